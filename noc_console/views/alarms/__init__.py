"""Alarms on the desktop: tray and notifications, sounds, helper processes."""
