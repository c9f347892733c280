"""An OpenAlex-compatible read API over BZPEER's data, at /openalex/ (and at the root of
settings.OPENALEX_API_HOST). Ids are explained in `ids`, the query language in `filters`.
"""
