"""What the tests share: servers, the UI harness, media and data builders, waiting.

This folder is on the test path by configuration (``pythonpath = tests`` in
setup.cfg), so a test imports ``from support.harness import Kiosk`` from
any folder. Helpers live here and nowhere else; fixtures that several
folders share are in a ``conftest.py``. A test module never imports another
test module, and no module edits ``sys.path`` (tests/test_layout.py checks
both).
"""
