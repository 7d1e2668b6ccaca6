"""Delivery: exports, e-mail and feeds."""

from paperradar.deliver.exports import EXPORTERS, to_bibtex, to_csv, to_json, to_ris

__all__ = ["EXPORTERS", "to_bibtex", "to_csv", "to_json", "to_ris"]
