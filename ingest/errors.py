"""The one small error hierarchy. Every message quotes the bad value and says the fix."""


class MboError(Exception):
    """Base class for errors the user can act on."""


class ConfigError(MboError):
    """A setting is missing or invalid."""


class InputError(MboError):
    """A question, file or field given by the user is not acceptable."""


class LoadError(InputError):
    """A source file cannot be read. The message names the file and the reason."""

    def __init__(self, path: object, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class ModelError(MboError):
    """A model cannot be found, converted or loaded."""


class StoreError(MboError):
    """The index is missing, locked by another process, or inconsistent."""


class PromptError(ConfigError):
    """A prompt file is missing or a placeholder was not filled."""
