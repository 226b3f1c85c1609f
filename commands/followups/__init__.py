"""Follow-ups: next steps owed by a day, their listing, and marking them done or snoozed."""
