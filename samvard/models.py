"""Every ORM model, imported once so the metadata is complete (migrations, tests).

It sits above core and the features, so core never has to import a feature.
"""

from __future__ import annotations

import samvard.access.models
import samvard.analytics.scenarios.models
import samvard.assessment.models
import samvard.auth.models
import samvard.contacts.models
import samvard.core.audit
import samvard.directory.models
import samvard.followup.models
import samvard.identity.models
import samvard.logreview.models
import samvard.records.models
import samvard.routing.models
import samvard.sharing.models  # noqa: F401 - imported for their tables
from samvard.core.db import Base

metadata = Base.metadata
