"""The OpenAPI schema's shared part: every error an operation can answer, with its real body.

drf-spectacular documents the success answers each view declares; `ApiSchema` (the project's
DEFAULT_SCHEMA_CLASS) adds the refusals DRF and the services give, by what the operation is:

- 400 where there is input to refuse (query parameters or a body) and on every write, whose
  service may refuse it (a DomainError): DRF's validation errors, field by field, or `detail`;
- 401 everywhere: an operation that needs an account refuses an anonymous caller, and every
  operation refuses a token that is not valid (`WWW-Authenticate: Token`);
- 403 on operations that need an account: a rule of the record refuses this person, or a
  signed-in browser session's write lacks its CSRF token;
- 404 where the path names a row, and on writes, whose body names rows by id;
- 409 where a write conflicts with the state of what it acts on (already decided, say);
- 429 everywhere: the anonymous and per-account rate limits, with `Retry-After` when known.

The OpenAlex-compatible API answers the same cases in OpenAlex's own body (`OpenAlexSchema`).
"""

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

NO_NUL = r"^[^\x00]*$"
# Some words: not only spaces (and no NUL).
SOME_TEXT = r"^[^\x00]*[^\s\x00][^\x00]*$"

DETAIL_ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "Why the request was refused, for the person who made it.",
}
# DRF's ValidationError: each field's messages (a nested serializer's are nested), and
# `non_field_errors` or `detail` for the request as a whole; a service's refusal is `detail`.
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {"type": "object"},
        ]
    },
    "description": "The refused fields with their messages, or `detail` for the whole request.",
}
OPENALEX_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
    "description": "An error as OpenAlex answers one: its kind, and what was wrong.",
}

RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait, when the limit knows it.",
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "schema": {"type": "string", "enum": ["Token"]},
        "required": True,
        "description": "How to authenticate: `Authorization: Token <token>`.",
    }
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ApiSchema(AutoSchema):
    """drf-spectacular's schema of a view, with the errors it answers (see the module doc)."""

    # Component name and schema of the body of each error answer.
    error_body = ("Error", DETAIL_ERROR)
    validation_body = ("ValidationError", VALIDATION_ERROR)

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and not {"pattern", "enum", "format"} & set(schema):
                # Query text is refused with a NUL character in it, as body text is.
                schema["pattern"] = NO_NUL
            elif "pattern" in schema and schema.get("minLength") == 1:
                # The pattern says it (schemathesis reads the minLength as allowing "0").
                del schema["minLength"]
        if "requestBody" in operation:
            # A missing body reads as {}, which every body serializer here refuses.
            operation["requestBody"]["required"] = True
        for code, response in self.error_responses(operation).items():
            operation["responses"].setdefault(str(code), response)
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or not isinstance(field, serializers.CharField):
            return schema
        regex = any(isinstance(validator, RegexValidator) for validator in field.validators)
        if not regex and "enum" not in schema:
            # DRF refuses NUL characters in every CharField (PostgreSQL cannot store them),
            # and one of only spaces where it may not be blank, once trimmed.
            # (drf-spectacular puts a blank one beside it, as `oneOf` with "": so not "" here.)
            refuses_spaces = not field.allow_blank and field.trim_whitespace
            pattern = SOME_TEXT if refuses_spaces else NO_NUL
            schema = {
                **schema,
                "pattern": pattern.replace("*$", "+$") if field.allow_blank else pattern,
            }
        return schema

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _answer(self, description: str, body: tuple[str, dict], headers=None) -> dict:
        answer = {
            "description": description,
            "content": {"application/json": {"schema": self._component(*body)}},
        }
        if headers:
            answer["headers"] = headers
        return answer

    def needs_account(self) -> bool:
        return any(issubclass(p, IsAuthenticated) for p in self.view.permission_classes)

    def error_responses(self, operation: dict) -> dict:
        parameters = operation.get("parameters", [])
        writes = self.method in WRITE_METHODS
        errors = {}
        if writes or "requestBody" in operation or any(p["in"] == "query" for p in parameters):
            errors[400] = self._answer("The input is refused.", self.validation_body)
        errors[401] = self._answer(
            "Not signed in where an account is needed, or the token is not valid.",
            self.error_body,
            WWW_AUTHENTICATE,
        )
        if self.needs_account():
            errors[403] = self._answer(
                "This account may not do this (or a browser session's write lacks its CSRF token).",
                self.error_body,
            )
        if writes or any(p["in"] == "path" for p in parameters):
            errors[404] = self._answer(
                "No such row (or not one this account may see).", self.error_body
            )
        elif any(p["in"] == "query" and p["name"] == "page" for p in parameters):
            errors[404] = self._answer("A page past the last.", self.error_body)
        if writes:
            errors[409] = self._answer(
                "The action conflicts with the state of what it acts on.", self.error_body
            )
        errors[429] = self._answer("Too many requests; slow down.", self.error_body, RETRY_AFTER)
        return errors


class SchemaRules:
    """A serializer's rules across its fields, written into its schema (`schema_rules`).

    JSON Schema's `oneOf`/`anyOf` say what a serializer's `validate` checks ("exactly one of
    work, doi, title"), so that a request the schema allows is one the API accepts.
    """

    schema_rules: dict = {}


class SchemaRulesExtension(OpenApiSerializerExtension):
    target_class = SchemaRules
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        return {**schema, **self.target.schema_rules}
