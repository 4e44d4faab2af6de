"""``python -m chat_client_app``: the same as the ``chat-client`` command."""

import sys

from chat_client_app.app import main

sys.exit(main())
