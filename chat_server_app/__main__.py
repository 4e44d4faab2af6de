import sys

from chat_server_app.app import main

sys.exit(main())
