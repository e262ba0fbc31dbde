"""An item's content as a form: one labelled field per leaf, grouped by list entry.

The form is generated from the item type's content model, so every type (and every new
one) gets an editor without a template of its own. Field names are the paths of the
leaves (`stem.en`, `options.2.text.hr`, `params.0._name`, `rubric.0.anchors.3.en`);
`read_form` turns the posted fields back into raw content for the loader's validation,
and `field_name` and `attach` put the validation's problems back on their fields.
"""

from hiring.banks.item_form.build import Node, attach, build_form, field_name, runs
from hiring.banks.item_form.read import read_form
from hiring.banks.item_form.shapes import (
    CHECKBOX,
    ENTRIES,
    ENTRY,
    INTEGER,
    LEVELS,
    LINE,
    LIST,
    NAMED,
    NUMBER,
    SELECT,
    TEXT,
    TEXTS,
    Shape,
    shape_of,
    skeleton,
)

__all__ = ["CHECKBOX", "ENTRIES", "ENTRY", "INTEGER", "LEVELS", "LINE", "LIST", "NAMED",
           "NUMBER", "SELECT", "TEXT", "TEXTS", "Node", "Shape", "attach", "build_form",
           "field_name", "read_form", "runs", "shape_of", "skeleton"]
