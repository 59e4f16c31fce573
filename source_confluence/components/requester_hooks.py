"""Run a hook on every HttpRequester the manifest builds (the CDK has no public per-requester hook).

    on_every_requester(constructors, HttpRequesterModel, lambda requester, config: ...)

Wraps the factory entry; the wrapper keeps the original signature, because the factory reads the
constructor's keyword-only arguments (`name`, …) to build nested requesters.
"""
import inspect
from typing import Any, Callable, Mapping


def on_every_requester(constructors: dict, requester_model: type, hook: Callable[[Any, Mapping[str, Any]], None]) -> None:
    build_default = constructors[requester_model]

    def build_and_hook(model: Any, config: Mapping[str, Any], **kwargs: Any) -> Any:
        requester = build_default(model, config, **kwargs)
        hook(requester, config or {}, **kwargs)
        return requester

    build_and_hook.__signature__ = inspect.signature(build_default)  # type: ignore[attr-defined]
    constructors[requester_model] = build_and_hook


def http_session(requester: Any) -> Any:
    """The requester's requests.Session (None if the CDK ever stops keeping one)."""
    return getattr(getattr(requester, "_http_client", None), "_session", None)
