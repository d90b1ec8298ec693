"""Options of the `kb` MkDocs plugin, as written under `plugins: - kb:` in mkdocs.yml.

One config option per option of kb's schema (`kb.settings.SCHEMA`), with its text
as docstring. Each takes any value as written: `parse_settings` checks them all in
the plugin's `on_config`, so a mistake gets the message `kb check` gives for it,
not MkDocs' own ("Expected type: <class 'int'> but received: <class 'str'>").
"""

from __future__ import annotations

from typing import Any

from mkdocs.config import base

from kb.settings import OPTIONS, SCHEMA, Option


class AsWritten(base.BaseConfigOption[Any]):
    """Any value, kept as written for `kb.settings.parse_settings` to check."""

    def __init__(self, option: Option) -> None:
        super().__init__()
        self.__doc__ = option.doc


class Switch(AsWritten):
    """`enabled`: only `false` switches the plugin off. Any other value runs it, so that
    `parse_settings` names a value that is not true or false, as `kb check` does,
    instead of `0` or null switching kb off without a word."""

    def __init__(self, option: Option) -> None:
        super().__init__(option)
        self.default = True

    def run_validation(self, value: object, /) -> bool:
        return value is not False


class _FromSchema(base.Config):
    """Gives a subclass one config option per kb option before MkDocs' own
    `__init_subclass__` collects the subclass's options."""

    def __init_subclass__(cls) -> None:
        for option in SCHEMA:
            config_option = Switch(option) if option.name == "enabled" else AsWritten(option)
            config_option.__set_name__(cls, option.name)
            setattr(cls, option.name, config_option)
        super().__init_subclass__()


class KbConfig(_FromSchema):
    """The options of the `kb` plugin: every option of `kb.settings.SCHEMA`."""

    enabled: bool  # the option itself comes from the schema; this is its type

    def __init__(self, config_file_path: str | bytes | None = None) -> None:
        super().__init__(config_file_path)
        self._written: dict[str, Any] = {}

    def load_dict(self, patch: dict) -> None:
        super().load_dict(patch)
        self._written.update(patch)

    def validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super().validate()
        # parse_settings reports an unknown name, with the option it most likely
        # means; MkDocs' "Unrecognised configuration name" would be a second message.
        return failed, [(key, warning) for key, warning in warnings if key in OPTIONS]

    def as_options(self) -> dict[str, Any]:
        """The options as the user wrote them, for `kb.settings.parse_settings`."""
        return dict(self._written)
