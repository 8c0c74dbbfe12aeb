#!/usr/bin/env python3
"""Generates crates/asterix/src/layouts.rs: the byte layout of every data item of the ASTERIX
categories and editions nofly decodes, read from the machine-readable definitions of
zoranbosnjak/asterix-specs (BSD-3-Clause, https://github.com/zoranbosnjak/asterix-specs).

Only the shape of each item is taken (how many bytes it has, where its extensions and repetitions
are, which sub-items a compound item has, the order of the UAP); what the bits mean is written by
hand in the Rust decoder, citing the item. Run it again when an edition is added:

    python3 tools/asterix_layouts.py PATH/TO/asterix-specs/specs > crates/asterix/src/layouts.rs
"""

import pathlib
import re
import subprocess
import sys

# Category -> editions generated. The last one of each list is the default edition.
EDITIONS = {
    21: ["0.23", "0.24", "0.25", "0.26", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"],
    34: ["1.27", "1.28", "1.29"],
    48: ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32"],
    62: ["1.16", "1.17", "1.18", "1.19", "1.20", "1.21"],
    65: ["1.4", "1.5", "1.6"],
}
DEFAULT = {21: "2.6", 34: "1.29", 48: "1.31", 62: "1.20", 65: "1.6"}

# The body of each UAP generated so far, and the first edition that had it.
SEEN = {}

VARIATIONS = ("element", "group", "extended", "repetitive", "explicit", "compound")
NAMED = re.compile(r'^([A-Za-z0-9_]+) "')


class Node:
    def __init__(self, text, indent):
        self.text, self.indent, self.children = text, indent, []


def tree(source):
    root = Node("", -1)
    stack = [root]
    for line in source.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        node = Node(line.strip(), indent)
        while stack[-1].indent >= indent:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    return root


def variation_of(node):
    """The variation among a named node's children (skipping definition, description, notes)."""
    for child in node.children:
        if child.text.split()[0] in VARIATIONS:
            return child
    raise ValueError(f"no variation under {node.text!r}")


def bits(var):
    """Bit length of a fixed-size variation (element or group)."""
    word = var.text.split()
    if word[0] == "element":
        return int(word[1])
    if word[0] == "group":
        total = 0
        for child in var.children:
            w = child.text.split()
            if w[0] == "spare":
                total += int(w[1])
            elif NAMED.match(child.text):
                total += bits(variation_of(child))
        return total
    raise ValueError(f"{var.text!r} has no fixed size")


def layout(var, where):
    word = var.text.split()
    kind = word[0]
    if kind in ("element", "group"):
        n = bits(var)
        if n % 8:
            raise ValueError(f"{where}: {n} bits is not whole bytes")
        return f"Layout::Fixed({n // 8})"
    if kind == "extended":
        parts, acc, fx_last = [], 0, False
        for child in var.children:
            if child.text == "-":
                parts.append((acc + 1) // 8)
                if (acc + 1) % 8:
                    raise ValueError(f"{where}: extension part of {acc} bits + FX")
                acc, fx_last = 0, True
            elif child.text.split()[0] == "spare":
                acc += int(child.text.split()[1])
                fx_last = False
            elif NAMED.match(child.text):
                acc += bits(variation_of(child))
                fx_last = False
        if acc:
            if acc % 8:
                raise ValueError(f"{where}: last part of {acc} bits")
            parts.append(acc // 8)
        sizes = ", ".join(str(p) for p in parts)
        return f"Layout::Extended {{ parts: &[{sizes}], last_has_fx: {'true' if fx_last else 'false'} }}"
    if kind == "repetitive":
        inner = variation_of(var)
        n = bits(inner)
        if word[1] == "fx":
            if (n + 1) % 8:
                raise ValueError(f"{where}: repetitive fx of {n} bits")
            return f"Layout::RepetitiveFx({(n + 1) // 8})"
        if n % 8:
            raise ValueError(f"{where}: repeated {n} bits")
        return f"Layout::Repetitive {{ counter: {int(word[1])}, size: {n // 8} }}"
    if kind == "explicit":
        return "Layout::Explicit"
    if kind == "compound":
        subs = []
        for child in var.children:
            if child.text == "-":
                subs.append("None")
            elif NAMED.match(child.text):
                name = NAMED.match(child.text).group(1)
                subs.append(f'Some(("{name}", {layout(variation_of(child), where + "/" + name)}))')
        return "Layout::Compound(&[" + ", ".join(subs) + "])"
    raise ValueError(f"{where}: unknown variation {var.text!r}")


def edition(path, cat, ed):
    root = tree(path.read_text(encoding="utf-8"))
    items = next(n for n in root.children if n.text == "items")
    uap = next(n for n in root.children if n.text == "uap")
    layouts = {}
    for item in items.children:
        m = NAMED.match(item.text)
        if m:
            layouts[m.group(1)] = layout(variation_of(item), f"I{cat:03}/{m.group(1)}")
    frns = []
    for entry in uap.children:
        if entry.text == "-":
            frns.append("None")
        else:
            frns.append(f'Some(("{entry.text}", {layouts[entry.text]}))')
    major, minor = ed.split(".")
    name = f"CAT{cat:03}_{major}_{minor}"
    body = ",\n        ".join(frns)
    # An edition whose items are laid out as an earlier one's shares its table.
    same = SEEN.setdefault(body, name)
    items = f"{same}.items" if same != name else f"&[\n        {body},\n    ]"
    return name, (
        f"/// Category {cat:03}, edition {ed}.\n"
        f"pub(crate) const {name}: Uap = Uap {{\n"
        f"    category: {cat},\n"
        f"    edition: Edition {{ major: {major}, minor: {minor} }},\n"
        f"    items: {items},\n}};\n"
    )


def main():
    specs = pathlib.Path(sys.argv[1])
    try:
        commit = subprocess.run(["git", "-C", str(specs), "rev-parse", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        commit = "unknown"
    out = [
        "//! The byte layout of each data item, per category and edition, in UAP order.",
        "//!",
        "//! GENERATED by tools/asterix_layouts.py from the definitions of",
        f"//! zoranbosnjak/asterix-specs (BSD-3-Clause), commit {commit}. Do not edit by hand.",
        "",
        "use crate::layout::{Edition, Layout, Uap};",
        "",
    ]
    names = []
    for cat, eds in EDITIONS.items():
        for ed in eds:
            name, text = edition(specs / f"cat{cat:03}" / f"cat-{ed}.ast", cat, ed)
            names.append((cat, ed, name))
            out.append(text)
    out.append("/// Every generated edition.")
    out.append("pub(crate) const ALL: &[Uap] = &[")
    for _, _, name in names:
        out.append(f"    {name},")
    out.append("];")
    out.append("")
    out.append("/// The edition used when a source names none: the newest generated one in service.")
    out.append("pub(crate) const DEFAULTS: &[Uap] = &[")
    for cat, ed in DEFAULT.items():
        major, minor = ed.split(".")
        out.append(f"    CAT{cat:03}_{major}_{minor},")
    out.append("];")
    print("\n".join(out))


if __name__ == "__main__":
    main()
