"""Per-priority alarm sounds without QtMultimedia (which is in PySide6-Addons).

Tones are written once as small WAV files (stdlib `wave`) and played by the platform:
`winsound` on Windows, `afplay` on macOS, `paplay`/`aplay`/`pw-play` on Linux. Where
none exists the system beep stands in. P1 is three short high tones, P2 two, others one.
"""

from __future__ import annotations

import math
import shutil
import struct
import sys
import tempfile
import wave
from pathlib import Path

from PySide6.QtWidgets import QApplication

from noc_console.models.incident import Priority
from noc_console.views.alarms.detached import launch

RATE = 22_050
PATTERNS = {  # (frequency Hz, number of beeps)
    Priority.P1: (1320.0, 3),
    Priority.P2: (990.0, 2),
    Priority.P3: (660.0, 1),
    Priority.P4: (550.0, 1),
}
LINUX_PLAYERS = ("paplay", "pw-play", "aplay")


def write_tone(path: Path, frequency: float, beeps: int, beep_s: float = 0.14) -> None:
    """A WAV of `beeps` short sine beeps with gaps, 16-bit mono."""
    frames = bytearray()
    for _ in range(beeps):
        for n in range(int(RATE * beep_s)):
            fade = min(1.0, n / 200, (RATE * beep_s - n) / 200)  # no clicks
            sample = int(0.5 * 32767 * fade * math.sin(2 * math.pi * frequency * n / RATE))
            frames += struct.pack("<h", sample)
        frames += b"\x00\x00" * int(RATE * 0.08)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))


class AlarmSound:
    """Plays the tone of a priority; never blocks the GUI thread."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder or Path(tempfile.mkdtemp(prefix="noc-console-sounds-"))
        self._files: dict[Priority, Path] = {}
        #: The configured files (`[alarms.sound_files]`), played instead of the tones.
        self.chosen: dict[Priority, Path] = {}
        self.player = self._find_player()

    def file_for(self, priority: Priority) -> Path:
        if priority in self.chosen:
            return self.chosen[priority]
        path = self._files.get(priority)
        if path is None:
            path = self._folder / f"{priority.value}.wav"
            write_tone(path, *PATTERNS[priority])
            self._files[priority] = path
        return path

    def play(self, priority: Priority) -> None:
        path = self.file_for(priority)
        if sys.platform == "win32":
            import winsound

            winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC)
        elif self.player is None or not launch([self.player, str(path)]):
            QApplication.beep()

    @staticmethod
    def _find_player() -> str | None:
        if sys.platform == "darwin":
            return shutil.which("afplay")
        return next((found for p in LINUX_PLAYERS if (found := shutil.which(p))), None)
