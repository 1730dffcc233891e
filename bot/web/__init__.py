"""The HTTP side of the bot: health, metrics, the Telegram webhook and the web console.

`server.py` assembles one aiohttp application from route modules (each has
`setup(app, ctx)`); `runtime.py` runs it as a component of `bot.runtime.BotRuntime`.
"""
