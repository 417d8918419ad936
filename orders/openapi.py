"""The order API's JSON shapes as DRF serializers, for the OpenAPI schema only.

They are built from the field tables in ``orders/wire.py`` (which the view and the HTTP
client encode and decode with), never written by hand, so the schema documents exactly
what goes over the wire. The class names are the schema's component names.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from orders import wire


def _drf_field(field: wire.WireField) -> serializers.Field[Any, Any, Any, Any]:
    kind = field.kind
    options: dict[str, Any] = {}
    if not field.always:
        options["required"] = False
    if field.nullable:
        options["allow_null"] = True
    if field.help_text:
        options["help_text"] = field.help_text
    if isinstance(kind, wire.ListOf):
        return serializer_for(kind.shape)(many=True, **options)
    if isinstance(kind, wire.Nested):
        return serializer_for(kind.shape)(**options)
    if isinstance(kind, wire.Timestamp):
        return serializers.DateTimeField(**options)
    if isinstance(kind, wire.Day):
        return serializers.DateField(**options)
    if isinstance(kind, wire.Money):
        return serializers.DecimalField(max_digits=kind.max_digits, decimal_places=kind.decimal_places, **options)
    if isinstance(kind, wire.Integer):
        return serializers.IntegerField(**options)
    if isinstance(kind, wire.Boolean):
        return serializers.BooleanField(**options)
    if isinstance(kind, wire.Mapping):
        return serializers.DictField(**options)
    if isinstance(kind, wire.Email):
        return serializers.EmailField(**options)
    if isinstance(kind, wire.Text) and kind.choices:
        return serializers.ChoiceField(choices=list(kind.choices), **options)
    if isinstance(kind, wire.Text):
        return serializers.CharField(allow_blank=field.blank, **options)
    raise TypeError(f"no serializer field for {type(kind).__name__}")


# The names the schema has always used for these components.
_NAMES = {
    wire.ORDER_ITEM: "OrderItemOutputSerializer",
    wire.ORDER: "OrderOutputSerializer",
    wire.CANCEL_OUTCOME: "OutputSerializer",
    wire.ERROR: "ErrorSerializer",
}
_built: dict[str, type[serializers.Serializer[Any]]] = {}


def serializer_for(shape: wire.Shape) -> type[serializers.Serializer[Any]]:
    """The output serializer documenting ``shape`` (one class per shape, so each is one
    schema component)."""
    name = _NAMES[shape]
    if name not in _built:
        fields = {field.name: _drf_field(field) for field in shape.fields}
        _built[name] = type(name, (serializers.Serializer,), fields)
    return _built[name]


ErrorSerializer = serializer_for(wire.ERROR)
OrderOutputSerializer = serializer_for(wire.ORDER)
CancelOutcomeSerializer = serializer_for(wire.CANCEL_OUTCOME)
