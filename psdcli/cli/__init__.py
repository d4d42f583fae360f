"""The command-line layer: thin Typer commands over psdcli.core."""
