"""Cryptography for intake bundles: age decryption, identities, keys and sealing.

The modules put a strict ASCII armor decoder and a strict age header parser in
front of pyrage, so a bundle is classified and limited before any key is tried.
"""
