"""test_stack.py builds the images and starts the whole stack: minutes, and root with
podman. It is collected only with HIRING_TEST_CONTAINERS=1, so that `./dev test` stays
fast (test_files.py, the files read without containers, always runs):

    HIRING_TEST_CONTAINERS=1 ./dev test tests/containers -s

Images and the Debian base are built with podman; the base comes from debootstrap (no image
registry needed) and is kept in CONTAINERS_CACHE (default ~/.cache/hiring-containers)."""

import os

ENABLED = os.environ.get("HIRING_TEST_CONTAINERS") == "1"

collect_ignore = [] if ENABLED else ["test_stack.py"]
