"""regional routing of contacts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "routing_config_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_routing_config_version_region_code_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_config_version")),
        sa.UniqueConstraint("region_code", "version", name="uq_routing_config_version"),
    )
    # One active version per region; a partial index, so history rows do not collide.
    with op.batch_alter_table("routing_config_version", schema=None) as batch_op:
        batch_op.create_index(
            "uq_routing_config_active",
            ["region_code"],
            unique=True,
            sqlite_where=sa.text("active"),
            postgresql_where=sa.text("active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("routing_config_version", schema=None) as batch_op:
        batch_op.drop_index("uq_routing_config_active")
    op.drop_table("routing_config_version")
