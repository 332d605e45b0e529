"""Sections that higher apps add to expert pages, registered in their ``AppConfig.ready()``
(the marketplace adds the expert's offers and needs), so that the registry imports none of them."""

from collections.abc import Callable
from typing import Any

# (expert, user) -> (template, context) of one section, or None when it has nothing to show
ExpertPanel = Callable[[Any, Any], tuple[str, dict[str, Any]] | None]
_expert_panels: list[ExpertPanel] = []


def register_expert_panel(panel: ExpertPanel) -> None:
    if panel not in _expert_panels:
        _expert_panels.append(panel)


def expert_panels(expert: Any, user: Any) -> list[dict[str, Any]]:
    """The sections for this page: each a context with its ``template``."""
    shown = (panel(expert, user) for panel in _expert_panels)
    return [{**context, "template": template} for template, context in (s for s in shown if s is not None)]
