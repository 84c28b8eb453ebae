"""What carers must keep in mind for a child on the class view and the meal log: allergies and
dietary restrictions (饮食禁忌), once health notes exist.

The one hook the daily record asks; the health notes fill it in. Until then there is nothing
to show.
"""


def notes_for(child) -> list[str]:
    """Short texts to show beside the child's name (e.g. "花生过敏"), most important first."""
    return []
