"""On PostgreSQL the database itself keeps applied orders, their items and the status
history unchanged (§9: applied orders are never edited; a mistake is fixed by another order)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION contingent_applied_order_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.state = 'applied' THEN
        RAISE EXCEPTION 'order % is applied and cannot be changed', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contingent_applied_order_frozen
    BEFORE UPDATE OR DELETE ON contingent_order
    FOR EACH ROW EXECUTE FUNCTION contingent_applied_order_frozen();

CREATE OR REPLACE FUNCTION contingent_applied_item_frozen() RETURNS trigger AS $$
BEGIN
    IF (SELECT state FROM contingent_order WHERE id = OLD.order_id) = 'applied' THEN
        RAISE EXCEPTION 'item % belongs to an applied order and cannot be changed', OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contingent_applied_item_frozen
    BEFORE UPDATE OR DELETE ON contingent_orderitem
    FOR EACH ROW EXECUTE FUNCTION contingent_applied_item_frozen();

CREATE OR REPLACE FUNCTION contingent_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the status history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contingent_history_append_only
    BEFORE UPDATE OR DELETE ON contingent_statuschange
    FOR EACH ROW EXECUTE FUNCTION contingent_history_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS contingent_applied_order_frozen ON contingent_order;
DROP FUNCTION IF EXISTS contingent_applied_order_frozen();
DROP TRIGGER IF EXISTS contingent_applied_item_frozen ON contingent_orderitem;
DROP FUNCTION IF EXISTS contingent_applied_item_frozen();
DROP TRIGGER IF EXISTS contingent_history_append_only ON contingent_statuschange;
DROP FUNCTION IF EXISTS contingent_history_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("contingent", "0003_seed_personal_file_checklist")]
    operations = [migrations.RunPython(forwards, backwards)]
