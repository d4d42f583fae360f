"""Domain logic: import, validation and case rules, with no CLI or Rich code."""
