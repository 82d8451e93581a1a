from jiaoliuba.cli import main

main()
