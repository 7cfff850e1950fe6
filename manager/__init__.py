"""The feedback manager: the Django service that kiosk terminals deliver to.

``kiosk-manager`` (:mod:`manager.cli`) is its command; ``manager.settings``
its Django settings, read from the environment and an optional TOML file by
:mod:`manager.config`.
"""
