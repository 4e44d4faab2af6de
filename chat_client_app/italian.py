"""The client's interface in Italian, the language of the chat it replaces.

A catalogue in Python rather than a compiled ``.qm`` file: nothing to build or to
ship apart, and ``tests/client/test_translations.py`` checks that every string the
code translates is here. Plurals are ``(one, other)`` pairs.
"""

from __future__ import annotations

__all__ = ["CATALOGUE"]

CATALOGUE: dict[str, str | tuple[str, str]] = {
    # --- chat window -------------------------------------------------------------------
    "Parla chat": "Chat Parla",
    "Messages": "Messaggi",
    "The chat's messages, newest at the bottom.": "I messaggi della chat, i più recenti in fondo.",
    "Number of users": "Numero di utenti",
    "Users": "Utenti",
    "Double-click or press Enter to write privately.": "Doppio clic o Invio per scrivere in privato.",
    "Double-click a name to send a private message": "Doppio clic su un nome per un messaggio privato",
    "Users panel": "Pannello degli utenti",
    "Messages and users": "Messaggi e utenti",
    "Message": "Messaggio",
    "Type a message and press Enter. Type /help for the commands.": (
        "Scrivi un messaggio e premi Invio. Scrivi /help per i comandi."
    ),
    "Type a message, Enter to send — /help for commands": (
        "Scrivi un messaggio, Invio per inviare — /help per i comandi"
    ),
    "Characters typed": "Caratteri scritti",
    "&Send": "&Invia",
    "Send": "Invia",
    "Chat": "Chat",
    "Mentions and private messages": "Menzioni e messaggi privati",
    "Mentions": "Menzioni",
    "Status bar": "Barra di stato",
    "Connection state": "Stato della connessione",
    "Name and server": "Nome e server",
    "Round-trip time": "Tempo di andata e ritorno",
    "Reconnect countdown": "Conto alla rovescia per la riconnessione",
    "Last problem": "Ultimo problema",
    "&Retry now": "&Riprova ora",
    "Retry now": "Riprova ora",
    "&Chat": "&Chat",
    "&Connect to a server…": "&Connettiti a un server…",
    "&Find…": "&Trova…",
    "Find &next": "Trova &successivo",
    "Find &previous": "Trova &precedente",
    "C&lear the view": "&Pulisci la vista",
    "&Leave and quit": "&Esci dalla chat",
    "&View": "&Visualizza",
    "&Mentions and private messages": "&Menzioni e messaggi privati",
    "Go to the &message line": "Vai alla riga del &messaggio",
    "Go to the &users": "Vai agli &utenti",
    "&Help": "&Aiuto",
    "&Commands": "&Comandi",
    "Too long: a message can have at most {max} characters.": (
        "Troppo lungo: un messaggio può avere al massimo {max} caratteri."
    ),
    "Not sent: {problem}.": "Non inviato: {problem}.",
    "Unknown command {command}: nothing was sent. Type /help for the commands.": (
        "Comando sconosciuto {command}: non è stato inviato niente. Scrivi /help per i comandi."
    ),
    "Usage: {usage}": "Uso: {usage}",
    "Commands:": "Comandi:",
    "Up and Down recall what you sent; Ctrl+F finds; Ctrl+M shows mentions.": (
        "Su e Giù richiamano ciò che hai inviato; Ctrl+F cerca; Ctrl+M mostra le menzioni."
    ),
    "Disconnected": "Disconnesso",
    "Connecting…": "Connessione…",
    "Joining…": "Ingresso nella chat…",
    "Connected": "Connesso",
    "Reconnecting": "Riconnessione",
    "&Reconnect": "&Riconnetti",
    "Connected to {server} ({address}) as {name}.": "Connesso a {server} ({address}) come {name}.",
    "Message of the day: {motd}": "Messaggio del giorno: {motd}",
    "Reconnected.": "Riconnesso.",
    "The connection was lost: reconnecting…": "La connessione si è interrotta: riconnessione…",
    "The server closed the connection after an error.": "Il server ha chiuso la connessione dopo un errore.",
    "You left the chat.": "Hai lasciato la chat.",
    "New": "Nuovi",
    "Private message from {name}": "Messaggio privato da {name}",
    "{name} mentioned you": "{name} ti ha menzionato",
    "%n mention(s)": ("%n menzione", "%n menzioni"),
    "%n new message(s)": ("%n nuovo messaggio", "%n nuovi messaggi"),
    "→ {name} joined the chat": "→ {name} è entrato nella chat",
    "left the chat": "ha lasciato la chat",
    "lost the connection": "ha perso la connessione",
    "stopped answering": "non risponde più",
    "was removed by the operator": "è stato allontanato dall'operatore",
    "could not keep up and was disconnected": "non riusciva a stare al passo ed è stato disconnesso",
    "left ({reason})": "è uscito ({reason})",
    "Notice: {text}": "Avviso: {text}",
    "Notice from the server": "Avviso dal server",
    "Error from the server: {message}": "Errore dal server: {message}",
    "The operator removed you from the chat: {reason}": "L'operatore ti ha allontanato dalla chat: {reason}",
    "The operator removed you from the chat.": "L'operatore ti ha allontanato dalla chat.",
    "Removed from the chat": "Allontanato dalla chat",
    "The server is shutting down ({reason}). Reconnecting when it is back.": (
        "Il server si sta spegnendo ({reason}). Mi riconnetterò quando tornerà."
    ),
    "Reconnecting in %n s": ("Riconnessione tra %n s", "Riconnessione tra %n s"),
    "RTT {ms} ms": "RTT {ms} ms",
    "%n missed while you were away": (
        "%n messaggio perso mentre eri via",
        "%n messaggi persi mentre eri via",
    ),
    "%n user(s) online": ("%n utente in linea", "%n utenti in linea"),
    "Mentions ({count})": "Menzioni ({count})",
    "New messages": "Nuovi messaggi",
    "you left that server before it was sent": "hai lasciato quel server prima che fosse inviato",
    # --- commands (/help) ----------------------------------------------------------------
    "send a private message to NAME": "invia un messaggio privato a NOME",
    "list the commands": "elenca i comandi",
    "clear the message view": "pulisce la vista dei messaggi",
    "leave the chat and close the window": "lascia la chat e chiude la finestra",
    "send a message that starts with /": "invia un messaggio che comincia con /",
    '/msg NAME text   (a name with spaces in quotes: /msg "Anna Maria" ciao)': (
        '/msg NOME testo   (un nome con spazi tra virgolette: /msg "Anna Maria" ciao)'
    ),
    # --- connect dialog ------------------------------------------------------------------
    "Connect to a Parla chat": "Connettiti a una chat Parla",
    "Connect to a chat server": "Connettiti a un server di chat",
    "Recent servers": "Server recenti",
    "Your name": "Il tuo nome",
    "How the others will see you": "Come ti vedranno gli altri",
    "Problem with the name": "Problema con il nome",
    "Server address": "Indirizzo del server",
    "e.g. 192.168.1.10 or chat.school.lan": "ad es. 192.168.1.10 o chat.scuola.lan",
    "Problem with the address": "Problema con l'indirizzo",
    "Server port": "Porta del server",
    "Server password": "Password del server",
    "Only if the server has one": "Solo se il server ne ha una",
    "Servers on this network": "Server su questa rete",
    "Network discovery status": "Stato della ricerca in rete",
    "Connection error": "Errore di connessione",
    "Connection status": "Stato della connessione",
    "&Connect": "&Connetti",
    "Connect": "Connetti",
    "Cancel": "Annulla",
    "&Recent:": "&Recenti:",
    "&Name:": "&Nome:",
    "&Server:": "&Server:",
    "&Port:": "&Porta:",
    "Pass&word:": "Pass&word:",
    "Servers on this &network (click one to use it):": "Server su questa &rete (clic su uno per usarlo):",
    "Listening for servers on this network…": "In ascolto dei server su questa rete…",
    "Cannot listen for servers on this network ({reason}): type the address.": (
        "Impossibile cercare server su questa rete ({reason}): scrivi l'indirizzo."
    ),
    "(none yet)": "(ancora nessuno)",
    "%n user(s)": ("%n utente", "%n utenti"),
    ", TLS": ", TLS",
    "%n server(s) found on this network.": (
        "%n server trovato su questa rete.",
        "%n server trovati su questa rete.",
    ),
    "Type the name the others will see.": "Scrivi il nome che vedranno gli altri.",
    "This name cannot be used: {problem}.": "Questo nome non si può usare: {problem}.",
    "Type the server's address (ask the person who runs it, or pick one below).": (
        "Scrivi l'indirizzo del server (chiedilo a chi lo gestisce, o scegline uno qui sotto)."
    ),
    "An address has no spaces.": "Un indirizzo non contiene spazi.",
    "Connecting to {address}…": "Connessione a {address}…",
    # --- failures ------------------------------------------------------------------------
    "Nobody accepted the connection at {address}: is the server running, and is the port right?": (
        "Nessuno ha accettato la connessione a {address}: il server è avviato e la porta è giusta?"
    ),
    "The host of {address} could not be found: check the spelling of the address.": (
        "L'host di {address} non è stato trovato: controlla come è scritto l'indirizzo."
    ),
    "Cannot reach {address} ({detail}).": "Impossibile raggiungere {address} ({detail}).",
    "The server at {address} did not answer in time.": "Il server a {address} non ha risposto in tempo.",
    "The server at {address} closed the connection before letting you in.": (
        "Il server a {address} ha chiuso la connessione prima di farti entrare."
    ),
    "The program at {address} does not speak the Parla chat protocol.": (
        "Il programma a {address} non parla il protocollo di chat di Parla."
    ),
    "Someone on this server already uses the name “{name}”: choose another one.": (
        "Su questo server qualcuno usa già il nome «{name}»: scegline un altro."
    ),
    "The server does not accept the name “{name}”: {detail}.": (
        "Il server non accetta il nome «{name}»: {detail}."
    ),
    "This server needs a password: type it in the password field.": (
        "Questo server richiede una password: scrivila nel campo della password."
    ),
    "Wrong password for this server.": "Password sbagliata per questo server.",
    "The server speaks another version of the chat protocol: update the client or the server.": (
        "Il server parla un'altra versione del protocollo di chat: aggiorna il client o il server."
    ),
    "The connection failed: {detail}": "La connessione non è riuscita: {detail}",
    # --- find bar --------------------------------------------------------------------------
    "Find bar": "Barra di ricerca",
    "&Find:": "&Trova:",
    "Find": "Trova",
    "Text to find in the messages": "Testo da cercare nei messaggi",
    "Find text": "Testo da cercare",
    "Previous": "Precedente",
    "Previous match": "Risultato precedente",
    "Previous match (Shift+Enter)": "Risultato precedente (Maiusc+Invio)",
    "Next": "Successivo",
    "Next match": "Risultato successivo",
    "Next match (Enter)": "Risultato successivo (Invio)",
    "Matches": "Risultati",
    "Close the find bar": "Chiudi la barra di ricerca",
    "Close (Escape)": "Chiudi (Esc)",
    "No matches": "Nessun risultato",
    "{current} of {total}": "{current} di {total}",
    "%n match(es)": ("%n risultato", "%n risultati"),
    # --- message rows ----------------------------------------------------------------------
    "you": "te",
    "private": "privato",
    "Not sent: {reason}. Right-click the message to send it again.": (
        "Non inviato: {reason}. Clic destro sul messaggio per inviarlo di nuovo."
    ),
    "Message actions": "Azioni sul messaggio",
    "Copy": "Copia",
    "Open {url}": "Apri {url}",
    "Send again": "Invia di nuovo",
    "{name} (you)": "{name} (tu)",
}
