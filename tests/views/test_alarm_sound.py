import wave
from pathlib import Path

from noc_console.models.incident import Priority
from noc_console.views.alarms.sound import RATE, AlarmSound


def test_each_priority_has_its_own_tone(tmp_path: Path) -> None:
    sound = AlarmSound(tmp_path)
    lengths = {}
    for priority in Priority:
        with wave.open(str(sound.file_for(priority))) as tone:
            assert (tone.getnchannels(), tone.getsampwidth(), tone.getframerate()) == (1, 2, RATE)
            lengths[priority] = tone.getnframes()
    assert lengths[Priority.P1] > lengths[Priority.P2] > lengths[Priority.P3]
    assert sound.file_for(Priority.P1) == tmp_path / "P1.wav"  # written once, reused
