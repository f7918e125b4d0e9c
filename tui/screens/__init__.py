"""The lab's screens and dialogs: help, scenario picker, breakpoints, confirm, error, save/load."""
