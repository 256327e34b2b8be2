"""The household register screens: the list, the form and the event dialogs."""
