"""psdcli: case management for police Professional Standards Departments."""

__version__ = "0.1.0"
