from facilitate.cli import main

main(prog_name="facilitate")
