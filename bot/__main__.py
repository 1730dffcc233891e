from bot.wiring import main

main()
