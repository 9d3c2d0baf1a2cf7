from mast_intake.cli import main

main()
