from sklstm.cli import main

main(prog_name="sklstm")
