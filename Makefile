# make run        — set up and start the kiosk on its embedded defaults, in a window
# make manager    — set up and start the feedback manager on its embedded defaults
#                   (SQLite and media under ./var/manager) on http://127.0.0.1:8000
# make test       — set up everything the tests need (system packages included) and run them
# make test-fast  — the tests but the ui, system and slow tiers (about 2 minutes)
# make image      — the Raspberry Pi SD card image, build/kiosk-<version>-arm64.img.xz (root)
# make image-test — builds the image and boots it in QEMU (long; not part of make test)
#
# System packages come from apt-get when run as root; otherwise the exact
# apt-get line is printed and make stops, so nothing is half set up.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python
# What is installed into .venv: the terminal alone for make run (a terminal
# never gets Django), the manager for make manager, everything for the tests.
RUN_STAMP := $(VENV)/.installed-run
MANAGER_STAMP := $(VENV)/.installed-manager
STAMP := $(VENV)/.installed

# What the app needs on Debian 12 / Raspberry Pi OS: venv support, tzdata (its
# zone.tab gives the phone region of a timezone), the GL and
# input libraries that Kivy's bundled SDL2 loads, PortAudio for the microphone,
# and espeak-ng, which speaks the screens to a visitor who turns speech on.
RUN_PACKAGES := python3-venv tzdata libgl1 libegl1 libgles2 libmtdev1 libportaudio2 espeak-ng
# The manager's tests run it on Debian's PostgreSQL too (a private cluster
# made by the test with initdb, as an unprivileged user); the inbox's browser
# tests drive Debian's Chromium through Debian's chromedriver (nothing downloaded).
MANAGER_TEST_PACKAGES := postgresql \
	chromium chromium-driver
# What the tests need on top:
# - an X server and X input for the UI tests, ImageMagick's import for screenshots;
# - the real audio path: a PulseAudio null sink read through ALSA's pulse
#   plugin, fed with espeak-ng speech;
# - gettext's msgfmt checks the translation catalogs;
# - LibreOffice opens the reports as a manager would, poppler renders their
#   pages, Noto CJK gives LibreOffice Hangul to draw them with, and is the
#   terminal's optional face for Japanese and Chinese labels (assets/fonts);
# - debootstrap builds the Debian root the installer is tested in (as root),
#   systemd's systemd-analyze checks the unit files;
# - xkb-data (xkeyboard-config's layouts), libxkbcommon0 (its keysym names)
#   and unicode-cldr-core (CLDR's exemplar letters): the keyboard layouts are
#   made from them by assets/keyboards/make_layouts.py, and the tests check
#   that every letter of each language can be typed and the files are current;
# - the image recipe's check: sfdisk, mkfs.vfat, mtools, mke2fs/debugfs, xz
#   assemble and read back a disk image, ssh-keygen checks the SSH key file.
TEST_PACKAGES := $(RUN_PACKAGES) xvfb xdotool imagemagick \
	xkb-data libxkbcommon0 unicode-cldr-core \
	pulseaudio pulseaudio-utils libasound2-plugins \
	gettext libreoffice-calc poppler-utils fonts-noto-cjk \
	debootstrap systemd \
	fdisk dosfstools mtools e2fsprogs xz-utils openssh-client \
	$(MANAGER_TEST_PACKAGES)
# The SD card image: mmdebstrap builds the arm64 root, running its programs
# through qemu-user-static (binfmt-support registers it); the partitions are
# made as files (no loop device) and xz packs the image.
IMAGE_PACKAGES := mmdebstrap qemu-user-static binfmt-support arch-test \
	fdisk dosfstools mtools e2fsprogs xz-utils
# Booting it: qemu-system-aarch64 (machine virt, the image's own kernel).
IMAGE_TEST_PACKAGES := $(IMAGE_PACKAGES) qemu-system-arm openssh-client
# The manager on its embedded defaults needs only Python.
MANAGER_PACKAGES := python3-venv

.PHONY: run test test-fast lint screenshots system-run system-test venv clean manager system-manager

run: system-run $(RUN_STAMP)
	$(VENV)/bin/kiosk run

# The first start creates the admin account and prints its password once.
manager: system-manager $(MANAGER_STAMP)
	$(VENV)/bin/kiosk-manager serve

system-manager:
	@$(call ensure_packages,$(MANAGER_PACKAGES))

# One pytest worker per core; work-stealing evens out the few long tests.
# PYTEST_WORKERS=0 runs them in one process, in order.
PYTEST_WORKERS ?= auto
PARALLEL := -n $(PYTEST_WORKERS) --dist worksteal

test: system-test $(STAMP) lint
	$(VENV_PYTHON) -m pytest $(PARALLEL)

# ruff (pyflakes, pycodestyle, import order, bugbear; one formatting style) on
# everything, mypy on the logic packages; both configured in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test-fast: system-test $(STAMP)
	$(VENV_PYTHON) -m pytest $(PARALLEL) -m "not ui and not system and not slow and not image"

# The image is built once into build/ (kept uncompressed too, for QEMU), from
# the package cache in /var/cache/kiosk-image when it is there.
.PHONY: image image-test system-image system-image-test
image: system-image $(STAMP)
	KIOSK_IMAGE_KEEP_RAW=1 PYTHON=$(CURDIR)/$(VENV_PYTHON) systemd/image/build.sh

image-test: system-image-test image
	$(VENV_PYTHON) -m pytest -m image tests/image

system-image:
	@$(call ensure_packages,$(IMAGE_PACKAGES))

system-image-test:
	@$(call ensure_packages,$(IMAGE_TEST_PACKAGES))

# Every screen in each language at 1280x800 and 800x480, into docs/screenshots/.
screenshots: system-test $(STAMP)
	PYTHONPATH=tests $(VENV_PYTHON) -m support.screenshots

# make bench — the terminal measured against Chromium, a minimal Kivy app, bare
# fsyncs and a bare httpx loop, the manager's ingest against a bare Django
# view and its inbox over a million messages against the bare queries, in one
# run (~40 min; not part of make test, which runs the inbox bench on 1,000).
# Prints the table and writes it with the machine's description to
# docs/benchmarks.md. Chromium (~100 MB) is the start-up baseline only, so
# it is installed here rather than for every test run.
BENCH_PACKAGES := $(TEST_PACKAGES) chromium

.PHONY: bench system-bench

bench: system-bench $(STAMP)
	$(VENV_PYTHON) tests/benchmarks/run.py

system-bench:
	@$(call ensure_packages,$(BENCH_PACKAGES))

system-run:
	@$(call ensure_packages,$(RUN_PACKAGES))

system-test:
	@$(call ensure_packages,$(TEST_PACKAGES))

venv: $(STAMP)

# (A comma in a call's argument would split it: the spec is a variable.)
TEST_SPEC := .[test,manager]
$(STAMP): setup.cfg pyproject.toml
	$(call install_project,$(TEST_SPEC))

$(RUN_STAMP): setup.cfg pyproject.toml
	$(call install_project,.)

$(MANAGER_STAMP): setup.cfg pyproject.toml
	$(call install_project,.[manager])

# install_project(spec): the virtual environment, with the project installed
# (editable) as spec asks.
define install_project
	[ -x $(VENV_PYTHON) ] || $(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q --upgrade pip
	$(VENV_PYTHON) -m pip install --disable-pip-version-check -q -e '$(1)'
	touch $@
endef

# The appliance: installs (or updates) this checkout as the terminal's
# services on Raspberry Pi OS / Debian bookworm; run as root.
.PHONY: install uninstall
install:
	systemd/install.sh

# Removes the services, users and program; keeps /etc/kiosk and /var/lib/kiosk.
uninstall:
	systemd/uninstall.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# ensure_packages(list): install what dpkg does not have, or say how to.
define ensure_packages
	missing=""; \
	for package in $(1); do \
		dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q 'ok installed' \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -q && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
		else \
			echo "These system packages are missing. Install them, then run make again:"; \
			echo "  sudo apt-get install -y --no-install-recommends$$missing"; \
			exit 1; \
		fi; \
	fi
endef
