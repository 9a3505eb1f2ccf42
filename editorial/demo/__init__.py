"""The demo content `manage.py seed_demo` builds: a library of real works (library), the
articles' texts (texts) and the scenes reached through the real actions (scenes)."""

from editorial.demo.scenes import TOPICS, Built, People, demo_build

__all__ = ["TOPICS", "Built", "People", "demo_build"]
