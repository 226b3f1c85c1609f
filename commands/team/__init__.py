"""Teams, roles, settings, help and the App Home tab: /sales."""
