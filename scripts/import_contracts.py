"""An import-linter contract type the built-in ones lack: a package that imports the
standard library only (and its own modules, and the modules named in ``also``).

import-linter's ``forbidden`` contract lists what may not be imported; a pure domain's rule
is the other way round (nothing but the standard library), so a dependency added to the
project later is refused without anybody adding it to a list. Registered in
``pyproject.toml`` (``contract_types``); ``lint-imports`` finds this module from the
repository's root, which it puts on ``sys.path``.
"""

import sys

import grimp
from importlinter import Contract, ContractCheck, fields, output

__all__ = ["StdlibOnlyContract"]


class StdlibOnlyContract(Contract):
    """Options: ``modules``, the packages held to it (each with its descendants);
    ``also`` (optional), modules they may import too (each with its descendants)."""

    type_name = "stdlib_only"

    modules = fields.ListField(subfield=fields.ModuleField())
    also = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        found: list[tuple[str, str, tuple[int, ...]]] = []
        for package in self.modules:  # type: ignore[attr-defined]
            allowed = (package.name, *self.also)  # type: ignore[misc]
            checked = {package.name} | graph.find_descendants(package.name)
            for importer in sorted(checked):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if imported.split(".")[0] in sys.stdlib_module_names or any(
                        imported == name or imported.startswith(f"{name}.") for name in allowed
                    ):
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = tuple(detail["line_number"] for detail in details)
                    found.append((importer, imported, lines))
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported, lines in check.metadata["found"]:
            where = ", ".join(str(line) for line in lines)
            output.print_error(f"- {importer} -> {imported} (l.{where})", bold=False)
            output.new_line()
