"""Demo scenes in running order; each shows one capability of the bot."""
