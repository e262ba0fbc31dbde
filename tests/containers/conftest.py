"""The container tests build images and start a whole stack: minutes, and root with podman.

They are collected only with HIRING_TEST_CONTAINERS=1, so that `./dev test` stays fast:

    HIRING_TEST_CONTAINERS=1 ./dev test tests/containers -s

Images and the Debian base are built with podman; the base comes from debootstrap (no image
registry needed) and is kept in CONTAINERS_CACHE (default ~/.cache/hiring-containers)."""

import os

ENABLED = os.environ.get("HIRING_TEST_CONTAINERS") == "1"

collect_ignore_glob = [] if ENABLED else ["test_*.py"]
