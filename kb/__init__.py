"""kb: a git-native, private-by-default help centre for web shops."""

__version__ = "0.1.0"
