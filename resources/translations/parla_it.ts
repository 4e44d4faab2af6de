<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="it" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Parla {version}

A chat for a classroom or an office network: a server and its clients.</source>
        <translation>Parla {version}

Una chat per la rete di un&apos;aula o di un ufficio: un server e i suoi client.</translation>
    </message>
    <message>
        <source>About Parla</source>
        <translation>Informazioni su Parla</translation>
    </message>
    <message>
        <source>&amp;About Parla</source>
        <translation>&amp;Informazioni su Parla</translation>
    </message>
</context>
<context>
    <name>AppearanceMenu</name>
    <message>
        <source>&amp;Appearance</source>
        <translation>&amp;Aspetto</translation>
    </message>
    <message>
        <source>Appearance menu</source>
        <translation>Menu Aspetto</translation>
    </message>
    <message>
        <source>Like the &amp;system</source>
        <translation>Come il &amp;sistema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Chiaro</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Scuro</translation>
    </message>
</context>
<context>
    <name>Attention</name>
    <message>
        <source>Private message from {name}</source>
        <translation>Messaggio privato da {name}</translation>
    </message>
    <message>
        <source>{name} mentioned you</source>
        <translation>{name} ha scritto il tuo nome</translation>
    </message>
    <message>
        <source>{name} mentioned you in #{room}</source>
        <translation>{name} ha scritto il tuo nome in #{room}</translation>
    </message>
    <message>
        <source>{name} in #{room}</source>
        <translation>{name} in #{room}</translation>
    </message>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>e %n altro messaggio</numerusform>
            <numerusform>e altri %n messaggi</numerusform>
        </translation>
    </message>
    <message>
        <source>New messages</source>
        <translation>Nuovi messaggi</translation>
    </message>
</context>
<context>
    <name>AttentionMenu</name>
    <message>
        <source>Show &amp;notifications</source>
        <translation>Mostra le &amp;notifiche</translation>
    </message>
    <message>
        <source>Play a &amp;sound</source>
        <translation>Emetti un &amp;suono</translation>
    </message>
    <message>
        <source>&amp;Flash the taskbar</source>
        <translation>&amp;Lampeggia nella barra delle applicazioni</translation>
    </message>
    <message>
        <source>Only &amp;private messages and mentions</source>
        <translation>Solo messaggi &amp;privati e menzioni</translation>
    </message>
    <message>
        <source>N&amp;otifications</source>
        <translation>N&amp;otifiche</translation>
    </message>
</context>
<context>
    <name>BanDialog</name>
    <message>
        <source>Ban</source>
        <translation>Blocca</translation>
    </message>
    <message>
        <source>Ban a name or an address</source>
        <translation>Blocca un nome o un indirizzo</translation>
    </message>
    <message>
        <source>Ban the &amp;name (and whoever owns it):</source>
        <translation>Blocca il &amp;nome (e chi lo possiede):</translation>
    </message>
    <message>
        <source>Ban the name</source>
        <translation>Blocca il nome</translation>
    </message>
    <message>
        <source>Nobody may use the name; the client that owns it may not come back under any name</source>
        <translation>Nessuno potrà usare il nome; il client che lo possiede non potrà tornare con nessun nome</translation>
    </message>
    <message>
        <source>Name to ban</source>
        <translation>Nome da bloccare</translation>
    </message>
    <message>
        <source>Ban the &amp;address:</source>
        <translation>Blocca l&apos;&amp;indirizzo:</translation>
    </message>
    <message>
        <source>Ban the address</source>
        <translation>Blocca l&apos;indirizzo</translation>
    </message>
    <message>
        <source>Nobody may connect from this IP address, under any name</source>
        <translation>Nessuno potrà connettersi da questo indirizzo IP, con nessun nome</translation>
    </message>
    <message>
        <source>e.g. 192.168.1.20</source>
        <translation>ad es. 192.168.1.20</translation>
    </message>
    <message>
        <source>Address to ban</source>
        <translation>Indirizzo da bloccare</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Durata</translation>
    </message>
    <message>
        <source>10 minutes</source>
        <translation>10 minuti</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 ora</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 giorno</translation>
    </message>
    <message>
        <source>1 week</source>
        <translation>1 settimana</translation>
    </message>
    <message>
        <source>for 10 minutes</source>
        <translation>per 10 minuti</translation>
    </message>
    <message>
        <source>for 1 hour</source>
        <translation>per 1 ora</translation>
    </message>
    <message>
        <source>for 1 day</source>
        <translation>per 1 giorno</translation>
    </message>
    <message>
        <source>for 1 week</source>
        <translation>per 1 settimana</translation>
    </message>
    <message>
        <source>until lifted</source>
        <translation>fino alla revoca</translation>
    </message>
    <message>
        <source>Until lifted</source>
        <translation>Fino alla revoca</translation>
    </message>
    <message>
        <source>&amp;For:</source>
        <translation>&amp;Durata:</translation>
    </message>
    <message>
        <source>Reason (optional, shown to the user)</source>
        <translation>Motivo (facoltativo, mostrato all&apos;utente)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>&amp;Ban</source>
        <translation>&amp;Blocca</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Pulsanti della finestra</translation>
    </message>
    <message>
        <source>Type the name to ban.</source>
        <translation>Scrivi il nome da bloccare.</translation>
    </message>
    <message>
        <source>A name has at most {count} characters.</source>
        <translation>Un nome ha al massimo {count} caratteri.</translation>
    </message>
    <message>
        <source>A name cannot hold invisible or control characters.</source>
        <translation>Un nome non può contenere caratteri invisibili o di controllo.</translation>
    </message>
    <message>
        <source>Type the IP address to ban.</source>
        <translation>Scrivi l&apos;indirizzo IP da bloccare.</translation>
    </message>
    <message>
        <source>“{text}” is not an IP address (e.g. 192.168.1.20 or fe80::1).</source>
        <translation>«{text}» non è un indirizzo IP (ad es. 192.168.1.20 o fe80::1).</translation>
    </message>
</context>
<context>
    <name>BansModel</name>
    <message>
        <source>Banned</source>
        <translation>Blocco</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Chi</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Fino a</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>A name, the client that owns a name, or an IP address</source>
        <translation>Un nome, il client che possiede un nome, o un indirizzo IP</translation>
    </message>
    <message>
        <source>The name, the name&apos;s owner or the address</source>
        <translation>Il nome, chi possiede il nome o l&apos;indirizzo</translation>
    </message>
    <message>
        <source>When the ban ends (local time)</source>
        <translation>Quando finisce il blocco (ora locale)</translation>
    </message>
    <message>
        <source>The reason shown to whoever the ban shuts out</source>
        <translation>Il motivo mostrato a chi il blocco tiene fuori</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Owner of</source>
        <translation>Chi possiede</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Indirizzo</translation>
    </message>
    <message>
        <source>Nobody may use this name</source>
        <translation>Nessuno può usare questo nome</translation>
    </message>
    <message>
        <source>The client that owns the name may not come back under any name</source>
        <translation>Il client che possiede il nome non può tornare con nessun nome</translation>
    </message>
    <message>
        <source>Nobody may connect from this address</source>
        <translation>Nessuno può connettersi da questo indirizzo</translation>
    </message>
    <message>
        <source>a released name (client {id}…)</source>
        <translation>un nome liberato (client {id}…)</translation>
    </message>
    <message>
        <source>until lifted</source>
        <translation>fino alla revoca</translation>
    </message>
    <message>
        <source>Until the operator lifts it</source>
        <translation>Finché l&apos;operatore non lo revoca</translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message>
        <source>Messages</source>
        <translation>Messaggi</translation>
    </message>
    <message>
        <source>The chat&apos;s messages, newest at the bottom.</source>
        <translation>I messaggi della chat, i più recenti in fondo.</translation>
    </message>
    <message>
        <source>Who is typing</source>
        <translation>Chi sta scrivendo</translation>
    </message>
    <message>
        <source>Rooms, messages and users</source>
        <translation>Stanze, messaggi e utenti</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Connected to {server} ({address}) as {name}.</source>
        <translation>Sei nella chat di {server} ({address}) con il nome {name}.</translation>
    </message>
    <message>
        <source>Message of the day: {motd}</source>
        <translation>Messaggio del giorno: {motd}</translation>
    </message>
    <message>
        <source>Reconnected.</source>
        <translation>Di nuovo in linea.</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nuovi</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s)</source>
        <translation>
            <numerusform>%n nuovo messaggio</numerusform>
            <numerusform>%n nuovi messaggi</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClientController</name>
    <message>
        <source>you left that server before it was sent</source>
        <translation>hai lasciato quel server prima che fosse inviato</translation>
    </message>
</context>
<context>
    <name>Commands</name>
    <message>
        <source>/msg NAME text   (a name with spaces in quotes: /msg &quot;Anna Maria&quot; ciao)</source>
        <translation>/msg NOME testo   (un nome con spazi tra virgolette: /msg &quot;Anna Maria&quot; ciao)</translation>
    </message>
    <message>
        <source>/join #room</source>
        <translation>/join #stanza</translation>
    </message>
    <message>
        <source>/msg NAME text</source>
        <translation>/msg NOME testo</translation>
    </message>
    <message>
        <source>send a private message to NAME</source>
        <translation>invia un messaggio privato a NOME</translation>
    </message>
    <message>
        <source>enter a room (made if it does not exist)</source>
        <translation>entra in una stanza (creata se non esiste)</translation>
    </message>
    <message>
        <source>/part [#room]</source>
        <translation>/part [#stanza]</translation>
    </message>
    <message>
        <source>leave this room (or the one named)</source>
        <translation>esci da questa stanza (o da quella indicata)</translation>
    </message>
    <message>
        <source>show the others you are away</source>
        <translation>mostra agli altri che sei assente</translation>
    </message>
    <message>
        <source>/away [text]</source>
        <translation>/away [testo]</translation>
    </message>
    <message>
        <source>show the others you are back</source>
        <translation>mostra agli altri che ci sei di nuovo</translation>
    </message>
    <message>
        <source>list the commands</source>
        <translation>elenca i comandi</translation>
    </message>
    <message>
        <source>clear the message view</source>
        <translation>pulisci la vista dei messaggi</translation>
    </message>
    <message>
        <source>/quit or {quit}</source>
        <translation>/quit o {quit}</translation>
    </message>
    <message>
        <source>leave the chat and close the window</source>
        <translation>lascia la chat e chiudi la finestra</translation>
    </message>
    <message>
        <source>send a message that starts with /</source>
        <translation>invia un messaggio che comincia con /</translation>
    </message>
    <message>
        <source>//text</source>
        <translation>//testo</translation>
    </message>
</context>
<context>
    <name>ConfirmStopDialog</name>
    <message>
        <source>Stop the server?</source>
        <translation>Fermare il server?</translation>
    </message>
    <message>
        <source>Stop the server and disconnect everyone?</source>
        <translation>Fermare il server e disconnettere tutti?</translation>
    </message>
    <message>
        <source>Users connected now: {count}</source>
        <translation>Utenti in linea adesso: {count}</translation>
    </message>
    <message>
        <source>&amp;Stop server</source>
        <translation>&amp;Ferma il server</translation>
    </message>
    <message>
        <source>Confirm stopping the server</source>
        <translation>Conferma per fermare il server</translation>
    </message>
    <message>
        <source>Stop server</source>
        <translation>Ferma il server</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a Parla chat</source>
        <translation>Connettiti a una chat Parla</translation>
    </message>
    <message>
        <source>Connect to a chat server</source>
        <translation>Connettiti a un server di chat</translation>
    </message>
    <message>
        <source>Recent servers</source>
        <translation>Server recenti</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Il tuo nome</translation>
    </message>
    <message>
        <source>How the others will see you</source>
        <translation>Come ti vedranno gli altri</translation>
    </message>
    <message>
        <source>Problem with the name</source>
        <translation>Problema con il nome</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Indirizzo del server</translation>
    </message>
    <message>
        <source>e.g. 192.168.1.10 or chat.school.lan</source>
        <translation>ad es. 192.168.1.10 o chat.scuola.lan</translation>
    </message>
    <message>
        <source>Problem with the address</source>
        <translation>Problema con l&apos;indirizzo</translation>
    </message>
    <message>
        <source>Server port</source>
        <translation>Porta del server</translation>
    </message>
    <message>
        <source>Server password</source>
        <translation>Password del server</translation>
    </message>
    <message>
        <source>Only if the server has one</source>
        <translation>Solo se il server ne ha una</translation>
    </message>
    <message>
        <source>Servers on this network</source>
        <translation>Server su questa rete</translation>
    </message>
    <message>
        <source>Network discovery status</source>
        <translation>Stato della ricerca in rete</translation>
    </message>
    <message>
        <source>Connection error</source>
        <translation>Errore di connessione</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>Stato della connessione</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Connetti</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connetti</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>&amp;Recent:</source>
        <translation>&amp;Recenti:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nome:</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Porta:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;word:</translation>
    </message>
    <message>
        <source>S&amp;ecure connection (TLS)</source>
        <translation>Connessione s&amp;icura (TLS)</translation>
    </message>
    <message>
        <source>Secure connection (TLS)</source>
        <translation>Connessione sicura (TLS)</translation>
    </message>
    <message>
        <source>Servers on this &amp;network (click one to use it):</source>
        <translation>Server su questa &amp;rete (clic su uno per usarlo):</translation>
    </message>
    <message>
        <source>Listening for servers on this network…</source>
        <translation>In ascolto dei server su questa rete…</translation>
    </message>
    <message>
        <source>Cannot listen for servers on this network ({reason}): type the address.</source>
        <translation>Impossibile cercare server su questa rete ({reason}): scrivi l&apos;indirizzo.</translation>
    </message>
    <message>
        <source>(none yet)</source>
        <translation>(ancora nessuno)</translation>
    </message>
    <message>
        <source>secure</source>
        <translation>sicura</translation>
    </message>
    <message>
        <source>password</source>
        <translation>password</translation>
    </message>
    <message>
        <source>This server needs a password</source>
        <translation>Questo server chiede una password</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n utente</numerusform>
            <numerusform>%n utenti</numerusform>
        </translation>
    </message>
    <message>
        <source>, TLS</source>
        <translation>, TLS</translation>
    </message>
    <message numerus="yes">
        <source>%n server(s) found on this network.</source>
        <translation>
            <numerusform>%n server trovato su questa rete.</numerusform>
            <numerusform>%n server trovati su questa rete.</numerusform>
        </translation>
    </message>
    <message>
        <source>Type the name the others will see.</source>
        <translation>Scrivi il nome che vedranno gli altri.</translation>
    </message>
    <message>
        <source>This name cannot be used: {problem}.</source>
        <translation>Questo nome non si può usare: {problem}.</translation>
    </message>
    <message>
        <source>Type the server&apos;s address (ask the person who runs it, or pick one below).</source>
        <translation>Scrivi l&apos;indirizzo del server (chiedilo a chi lo gestisce, o scegline uno qui sotto).</translation>
    </message>
    <message>
        <source>An address has no spaces.</source>
        <translation>Un indirizzo non contiene spazi.</translation>
    </message>
    <message>
        <source>Connecting to {address}…</source>
        <translation>Connessione a {address}…</translation>
    </message>
    <message>
        <source>Trying {address}… You stay on {current} until it lets you in.</source>
        <translation>Provo {address}… Resti su {current} finché non ti fa entrare.</translation>
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message>
        <source>Status bar</source>
        <translation>Barra di stato</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>Stato della connessione</translation>
    </message>
    <message>
        <source>Name and server</source>
        <translation>Nome e server</translation>
    </message>
    <message>
        <source>Round-trip time</source>
        <translation>Tempo di andata e ritorno</translation>
    </message>
    <message>
        <source>Reconnect countdown</source>
        <translation>Conto alla rovescia per la riconnessione</translation>
    </message>
    <message>
        <source>Last problem</source>
        <translation>Ultimo problema</translation>
    </message>
    <message>
        <source>The operator of this server can read private messages.</source>
        <translation>Chi gestisce questo server può leggere i messaggi privati.</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>Privacy</translation>
    </message>
    <message>
        <source>&amp;Retry now</source>
        <translation>&amp;Riprova ora</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Riprova ora</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Non in linea</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connessione…</translation>
    </message>
    <message>
        <source>Joining…</source>
        <translation>Ingresso nella chat…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>In linea</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Riconnessione</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Riconnessione tra %n s</numerusform>
            <numerusform>Riconnessione tra %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Reconnect</source>
        <translation>&amp;Riconnetti</translation>
    </message>
    <message>
        <source>RTT {ms} ms</source>
        <translation>RTT {ms} ms</translation>
    </message>
</context>
<context>
    <name>DayRule</name>
    <message>
        <source>Today</source>
        <translation>Oggi</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Ieri</translation>
    </message>
</context>
<context>
    <name>Failures</name>
    <message>
        <source>Nobody accepted the connection at {address}: is the server running, and is the port right?</source>
        <translation>Nessuno ha accettato la connessione a {address}: il server è avviato e la porta è giusta?</translation>
    </message>
    <message>
        <source>The host of {address} could not be found: check the spelling of the address.</source>
        <translation>L&apos;host di {address} non è stato trovato: controlla come è scritto l&apos;indirizzo.</translation>
    </message>
    <message>
        <source>Cannot reach {address} ({detail}).</source>
        <translation>Impossibile raggiungere {address} ({detail}).</translation>
    </message>
    <message>
        <source>The server at {address} did not answer in time.</source>
        <translation>Il server a {address} non ha risposto in tempo.</translation>
    </message>
    <message>
        <source>The server at {address} closed the connection before letting you in.</source>
        <translation>Il server a {address} ha chiuso la connessione prima di farti entrare.</translation>
    </message>
    <message>
        <source>The program at {address} does not speak the Parla chat protocol.</source>
        <translation>Il programma a {address} non parla il protocollo di chat di Parla.</translation>
    </message>
    <message>
        <source>No authority vouches for the certificate of {address}: compare its fingerprint.</source>
        <translation>Nessuna autorità garantisce il certificato di {address}: confrontane l&apos;impronta.</translation>
    </message>
    <message>
        <source>The certificate of {address} is not the one you trusted before: the connection was refused.</source>
        <translation>Il certificato di {address} non è quello a cui avevi dato fiducia: la connessione è stata rifiutata.</translation>
    </message>
    <message>
        <source>No secure connection could be made with {address} ({detail}): does the server use TLS?</source>
        <translation>Impossibile stabilire una connessione sicura con {address} ({detail}): il server usa TLS?</translation>
    </message>
    <message>
        <source>This server uses a secure connection: tick Secure connection.</source>
        <translation>Questo server usa una connessione sicura: spunta Connessione sicura.</translation>
    </message>
    <message>
        <source>This server does not use a secure connection: untick Secure connection.</source>
        <translation>Questo server non usa una connessione sicura: togli la spunta a Connessione sicura.</translation>
    </message>
    <message>
        <source>Someone on this server already uses the name “{name}”: choose another one.</source>
        <translation>Su questo server qualcuno usa già il nome «{name}»: scegline un altro.</translation>
    </message>
    <message>
        <source>This name belongs to someone else on this server.</source>
        <translation>Questo nome appartiene a un&apos;altra persona su questo server.</translation>
    </message>
    <message>
        <source>The server does not accept the name “{name}”: {detail}.</source>
        <translation>Il server non accetta il nome «{name}»: {detail}.</translation>
    </message>
    <message>
        <source>This server needs a password: type it in the password field.</source>
        <translation>Questo server richiede una password: scrivila nel campo della password.</translation>
    </message>
    <message>
        <source>Wrong password for this server.</source>
        <translation>Password sbagliata per questo server.</translation>
    </message>
    <message>
        <source>The server speaks another version of the chat protocol: update the client or the server.</source>
        <translation>Il server parla un&apos;altra versione del protocollo di chat: aggiorna il client o il server.</translation>
    </message>
    <message>
        <source>The connection failed: {detail}</source>
        <translation>La connessione non è riuscita: {detail}</translation>
    </message>
    <message>
        <source>This server does not let you in: {detail}</source>
        <translation>Questo server non ti lascia entrare: {detail}</translation>
    </message>
    <message>
        <source>This server does not let you in for another {time} (until {end}).</source>
        <translation>Questo server non ti lascia entrare per ancora {time} (fino a {end}).</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>meno di un minuto</translation>
    </message>
    <message>
        <source>1 minute</source>
        <translation>1 minuto</translation>
    </message>
    <message>
        <source>{n} minutes</source>
        <translation>{n} minuti</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 ora</translation>
    </message>
    <message>
        <source>{n} hours</source>
        <translation>{n} ore</translation>
    </message>
    <message>
        <source>{n} days</source>
        <translation>{n} giorni</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find bar</source>
        <translation>Barra di ricerca</translation>
    </message>
    <message>
        <source>&amp;Find:</source>
        <translation>&amp;Trova:</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Trova</translation>
    </message>
    <message>
        <source>Text to find in the messages</source>
        <translation>Testo da cercare nei messaggi</translation>
    </message>
    <message>
        <source>Find text</source>
        <translation>Testo da cercare</translation>
    </message>
    <message>
        <source>Clear the find text</source>
        <translation>Cancella il testo da cercare</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Precedente</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Risultato precedente</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Risultato precedente (Maiusc+Invio)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Successivo</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Risultato successivo</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Risultato successivo (Invio)</translation>
    </message>
    <message>
        <source>Search the server</source>
        <translation>Cerca sul server</translation>
    </message>
    <message>
        <source>Search the whole history on the server, not only what is loaded</source>
        <translation>Cerca in tutta la cronologia sul server, non solo in ciò che è caricato</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Risultati</translation>
    </message>
    <message>
        <source>Close the find bar</source>
        <translation>Chiudi la barra di ricerca</translation>
    </message>
    <message>
        <source>Close (Escape)</source>
        <translation>Chiudi (Esc)</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Nessun risultato</translation>
    </message>
    <message>
        <source>{current} of {total}</source>
        <translation>{current} di {total}</translation>
    </message>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n risultato</numerusform>
            <numerusform>%n risultati</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>{count} B</source>
        <translation>{count} B</translation>
    </message>
    <message>
        <source>{number} {unit}</source>
        <translation>{number} {unit}</translation>
    </message>
    <message>
        <source>{days} d {clock}</source>
        <translation>{days} g {clock}</translation>
    </message>
    <message>
        <source>{ms:.0f} ms</source>
        <translation>{ms:.0f} ms</translation>
    </message>
</context>
<context>
    <name>HeaderPanel</name>
    <message>
        <source>Server status</source>
        <translation>Stato del server</translation>
    </message>
    <message>
        <source>Server name</source>
        <translation>Nome del server</translation>
    </message>
    <message>
        <source>Connect to:</source>
        <translation>Per connettersi:</translation>
    </message>
    <message>
        <source>Connect to</source>
        <translation>Per connettersi</translation>
    </message>
    <message>
        <source>Addresses to connect to</source>
        <translation>Indirizzi a cui connettersi</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Stato</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Attivo da</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utenti</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messaggi</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ricevuti</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Inviati</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>File</translation>
    </message>
    <message>
        <source>TLS certificate fingerprint</source>
        <translation>Impronta del certificato TLS</translation>
    </message>
    <message>
        <source>TLS certificate (SHA-256): {fingerprint}</source>
        <translation>Certificato TLS (SHA-256): {fingerprint}</translation>
    </message>
    <message>
        <source>— (not listening)</source>
        <translation>— (non in ascolto)</translation>
    </message>
    <message>
        <source>Listening</source>
        <translation>In ascolto</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Fermo</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Sola lettura</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aperta</translation>
    </message>
    <message>
        <source>{used} of {quota}</source>
        <translation>{used} di {quota}</translation>
    </message>
    <message>
        <source>↑{uploads} ↓{downloads}</source>
        <translation>↑{uploads} ↓{downloads}</translation>
    </message>
    <message>
        <source>No transfers in progress</source>
        <translation>Nessun trasferimento in corso</translation>
    </message>
</context>
<context>
    <name>InputFlaws</name>
    <message>
        <source>it is longer than {count} characters</source>
        <translation>è più lungo di {count} caratteri</translation>
    </message>
    <message>
        <source>it holds an invisible or control character (U+{code})</source>
        <translation>contiene un carattere invisibile o di controllo (U+{code})</translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>è vuoto</translation>
    </message>
    <message>
        <source>the message is longer than {count} characters</source>
        <translation>il messaggio è più lungo di {count} caratteri</translation>
    </message>
    <message>
        <source>the message is empty</source>
        <translation>il messaggio è vuoto</translation>
    </message>
</context>
<context>
    <name>KickDialog</name>
    <message>
        <source>Kick user</source>
        <translation>Espelli l&apos;utente</translation>
    </message>
    <message>
        <source>Disconnect {name} from the chat?</source>
        <translation>Disconnettere {name} dalla chat?</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Domanda</translation>
    </message>
    <message>
        <source>Reason (optional, shown to the user)</source>
        <translation>Motivo (facoltativo, lo vedrà l&apos;utente)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Motivo:</translation>
    </message>
    <message>
        <source>&amp;Kick</source>
        <translation>&amp;Espelli</translation>
    </message>
    <message>
        <source>Kick</source>
        <translation>Espelli</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annulla</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Pulsanti della finestra</translation>
    </message>
</context>
<context>
    <name>LogFeed</name>
    <message>
        <source>Listening on {address}</source>
        <translation>In ascolto su {address}</translation>
    </message>
    <message>
        <source>Stopped listening</source>
        <translation>Non più in ascolto</translation>
    </message>
    <message>
        <source>{name} joined from {address}</source>
        <translation>{name} entra nella chat da {address}</translation>
    </message>
    <message>
        <source>{name} left</source>
        <translation>{name} ha lasciato la chat</translation>
    </message>
    <message>
        <source>{name} disconnected</source>
        <translation>{name} ha perso la connessione</translation>
    </message>
    <message>
        <source>{name} timed out (no answer to ping)</source>
        <translation>{name} non risponde più (nessuna risposta al ping)</translation>
    </message>
    <message>
        <source>{name} was dropped: too slow to receive</source>
        <translation>Connessione di {name} chiusa: riceveva troppo lentamente</translation>
    </message>
    <message>
        <source>{name} left ({reason})</source>
        <translation>{name} ha lasciato la chat ({reason})</translation>
    </message>
    <message>
        <source>{name} was kicked: {reason}</source>
        <translation>L&apos;operatore ha fatto uscire {name}: {reason}</translation>
    </message>
    <message>
        <source>{name} was kicked</source>
        <translation>L&apos;operatore ha fatto uscire {name}</translation>
    </message>
    <message>
        <source>Error to {who}: {code}: {message}</source>
        <translation>Errore inviato a {who}: {code}: {message}</translation>
    </message>
    <message>
        <source>Notice: {text}</source>
        <translation>Avviso: {text}</translation>
    </message>
    <message>
        <source>History error: {error}</source>
        <translation>Errore della cronologia: {error}</translation>
    </message>
    <message>
        <source>… {count} more like this ({kind}) from {address}</source>
        <translation>… altri {count} come questo ({kind}) da {address}</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Copia</translation>
    </message>
    <message>
        <source>C&amp;lear log</source>
        <translation>&amp;Svuota il registro</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Parla Server — {name}</source>
        <translation>Server Parla — {name}</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>&amp;Avvia</translation>
    </message>
    <message>
        <source>Start listening for users on the chosen port</source>
        <translation>Comincia ad accettare utenti sulla porta scelta</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>&amp;Ferma</translation>
    </message>
    <message>
        <source>Disconnect everyone and stop listening</source>
        <translation>Disconnette tutti e smette di accettare connessioni</translation>
    </message>
    <message>
        <source>&amp;Read-only</source>
        <translation>Sola &amp;lettura</translation>
    </message>
    <message>
        <source>While on, only the operator can write (during a lesson)</source>
        <translation>Quando è attiva, solo l&apos;operatore può scrivere (durante una lezione)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Esci</translation>
    </message>
    <message>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
    <message>
        <source>Menu bar</source>
        <translation>Barra dei menu</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>Server menu</source>
        <translation>Menu Server</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Utenti</translation>
    </message>
    <message>
        <source>Users menu</source>
        <translation>Menu Utenti</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <source>View menu</source>
        <translation>Menu Visualizza</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
    <message>
        <source>Help menu</source>
        <translation>Menu Aiuto</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Pannello</translation>
    </message>
    <message>
        <source>Separator</source>
        <translation>Separatore</translation>
    </message>
    <message>
        <source>Status bar</source>
        <translation>Barra di stato</translation>
    </message>
    <message>
        <source>Divider between the panels</source>
        <translation>Divisore tra i riquadri</translation>
    </message>
    <message>
        <source>Resize the window</source>
        <translation>Ridimensiona la finestra</translation>
    </message>
    <message>
        <source>any free</source>
        <translation>una libera</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Porta</translation>
    </message>
    <message>
        <source>TCP port to listen on; can be changed while stopped</source>
        <translation>Porta TCP su cui accettare connessioni; si può cambiare a server fermo</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Porta:</translation>
    </message>
    <message>
        <source>Users and log</source>
        <translation>Utenti e registro</translation>
    </message>
    <message>
        <source>Message log</source>
        <translation>Registro dei messaggi</translation>
    </message>
    <message>
        <source>Message &amp;log</source>
        <translation>&amp;Registro dei messaggi</translation>
    </message>
    <message>
        <source>A message from the operator to every user</source>
        <translation>Un messaggio dell&apos;operatore a tutti gli utenti</translation>
    </message>
    <message>
        <source>Notice to everyone</source>
        <translation>Avviso a tutti</translation>
    </message>
    <message>
        <source>&amp;Notice to everyone:</source>
        <translation>A&amp;vviso a tutti:</translation>
    </message>
    <message>
        <source>Sen&amp;d</source>
        <translation>&amp;Invia</translation>
    </message>
    <message>
        <source>Send notice</source>
        <translation>Invia l&apos;avviso</translation>
    </message>
    <message>
        <source>History error: {error}</source>
        <translation>Errore della cronologia: {error}</translation>
    </message>
    <message>
        <source>Roo&amp;ms</source>
        <translation>Stan&amp;ze</translation>
    </message>
    <message>
        <source>Rooms menu</source>
        <translation>Menu Stanze</translation>
    </message>
    <message>
        <source>Users and rooms</source>
        <translation>Utenti e stanze</translation>
    </message>
</context>
<context>
    <name>MentionsDock</name>
    <message>
        <source>Mentions</source>
        <translation>Menzioni</translation>
    </message>
    <message>
        <source>Mentions and private messages</source>
        <translation>Menzioni e messaggi privati</translation>
    </message>
    <message>
        <source>Mentions ({count})</source>
        <translation>Menzioni ({count})</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>you</source>
        <translation>te</translation>
    </message>
    <message>
        <source>private</source>
        <translation>privato</translation>
    </message>
    <message>
        <source>Not sent: {reason}. Right-click the message to send it again.</source>
        <translation>Non inviato: {reason}. Clic destro sul messaggio per inviarlo di nuovo.</translation>
    </message>
    <message>
        <source>Will be delivered when {name} is back.</source>
        <translation>Sarà consegnato quando {name} torna.</translation>
    </message>
    <message>
        <source>… ({count} more characters: Copy gives the whole text)</source>
        <translation>… (altri {count} caratteri: Copia dà il testo intero)</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>Message actions</source>
        <translation>Azioni sul messaggio</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copia</translation>
    </message>
    <message>
        <source>Open {url}</source>
        <translation>Apri {url}</translation>
    </message>
    <message>
        <source>Send again</source>
        <translation>Invia di nuovo</translation>
    </message>
</context>
<context>
    <name>NamesDialog</name>
    <message>
        <source>Names and bans</source>
        <translation>Nomi e blocchi</translation>
    </message>
    <message>
        <source>Clear the filter</source>
        <translation>Svuota il filtro</translation>
    </message>
    <message>
        <source>Part of a name, an address or a reason</source>
        <translation>Parte di un nome, di un indirizzo o di un motivo</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>Filtro</translation>
    </message>
    <message>
        <source>F&amp;ilter:</source>
        <translation>F&amp;iltro:</translation>
    </message>
    <message>
        <source>Reserved names</source>
        <translation>Nomi riservati</translation>
    </message>
    <message>
        <source>Reser&amp;ved names</source>
        <translation>Nomi ri&amp;servati</translation>
    </message>
    <message>
        <source>&amp;Release</source>
        <translation>&amp;Libera</translation>
    </message>
    <message>
        <source>Release the name</source>
        <translation>Libera il nome</translation>
    </message>
    <message>
        <source>Let anyone take the selected name again</source>
        <translation>Permette di nuovo a chiunque di prendere il nome selezionato</translation>
    </message>
    <message>
        <source>Bans in force</source>
        <translation>Blocchi in vigore</translation>
    </message>
    <message>
        <source>Bans in &amp;force</source>
        <translation>Blocchi in &amp;vigore</translation>
    </message>
    <message>
        <source>&amp;Lift</source>
        <translation>&amp;Revoca</translation>
    </message>
    <message>
        <source>Lift the ban</source>
        <translation>Revoca il blocco</translation>
    </message>
    <message>
        <source>End the selected ban now</source>
        <translation>Termina subito il blocco selezionato</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Pulsanti della finestra</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Chiudi</translation>
    </message>
    <message>
        <source>The name {name} is free: anyone can take it</source>
        <translation>Il nome {name} è libero: chiunque può prenderlo</translation>
    </message>
    <message>
        <source>The name {name} was not reserved</source>
        <translation>Il nome {name} non era riservato</translation>
    </message>
    <message>
        <source>The ban on {what} is lifted</source>
        <translation>Il blocco di {what} è revocato</translation>
    </message>
    <message>
        <source>The ban on {what} is in the server&apos;s configuration (--ban): lift it there</source>
        <translation>Il blocco di {what} è nella configurazione del server (--ban): revocalo lì</translation>
    </message>
    <message>
        <source>{what} was no longer banned</source>
        <translation>Il blocco di {what} era già finito</translation>
    </message>
</context>
<context>
    <name>NewBelowButton</name>
    <message>
        <source>New messages below ↓</source>
        <translation>Nuovi messaggi più in basso ↓</translation>
    </message>
    <message>
        <source>New messages below</source>
        <translation>Nuovi messaggi più in basso</translation>
    </message>
    <message>
        <source>Go down to the newest messages</source>
        <translation>Vai ai messaggi più recenti</translation>
    </message>
</context>
<context>
    <name>ReadOnlyBanner</name>
    <message>
        <source>Chat paused</source>
        <translation>Chat in pausa</translation>
    </message>
    <message>
        <source>The teacher has paused the chat: only they can write for now.</source>
        <translation>L&apos;insegnante ha messo in pausa la chat: per ora può scrivere solo chi la gestisce.</translation>
    </message>
    <message>
        <source>The teacher has paused #{room}: only they can write there for now.</source>
        <translation>L&apos;insegnante ha messo in pausa #{room}: per ora lì può scrivere solo chi la gestisce.</translation>
    </message>
</context>
<context>
    <name>ReservationsModel</name>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Reserved since</source>
        <translation>Riservato dal</translation>
    </message>
    <message>
        <source>The name as its owner first registered it</source>
        <translation>Il nome come chi lo possiede lo ha registrato la prima volta</translation>
    </message>
    <message>
        <source>When the name was first registered (local time)</source>
        <translation>Quando il nome è stato registrato la prima volta (ora locale)</translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message>
        <source>room {name}</source>
        <translation>stanza {name}</translation>
    </message>
    <message>
        <source>private conversation with {name}</source>
        <translation>conversazione privata con {name}</translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n non letto</numerusform>
            <numerusform>%n non letti</numerusform>
        </translation>
    </message>
    <message>
        <source>you are mentioned</source>
        <translation>c&apos;è una menzione per te</translation>
    </message>
</context>
<context>
    <name>RoomListPanel</name>
    <message>
        <source>Rooms panel</source>
        <translation>Pannello delle stanze</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Stanze</translation>
    </message>
    <message>
        <source>Join or create a room</source>
        <translation>Entra in una stanza o creala</translation>
    </message>
    <message>
        <source>Rooms and private conversations</source>
        <translation>Stanze e conversazioni private</translation>
    </message>
    <message>
        <source>Select one to read and write there.</source>
        <translation>Selezionane una per leggere e scrivere lì.</translation>
    </message>
    <message>
        <source>Join a room</source>
        <translation>Entra in una stanza</translation>
    </message>
    <message>
        <source>Room to join (it is made if it does not exist):</source>
        <translation>Stanza in cui entrare (viene creata se non esiste):</translation>
    </message>
    <message>
        <source>Room actions</source>
        <translation>Azioni sulla stanza</translation>
    </message>
    <message>
        <source>&amp;Join or create a room…</source>
        <translation>&amp;Entra in una stanza o creala…</translation>
    </message>
    <message>
        <source>&amp;Leave #{room}</source>
        <translation>&amp;Esci da #{room}</translation>
    </message>
    <message>
        <source>List the server&apos;s &amp;rooms</source>
        <translation>Elenca le &amp;stanze del server</translation>
    </message>
</context>
<context>
    <name>RoomsActions</name>
    <message>
        <source>&amp;New room…</source>
        <translation>&amp;Nuova stanza…</translation>
    </message>
    <message>
        <source>Open a room that stays even with no one in it</source>
        <translation>Apri una stanza che resta anche vuota</translation>
    </message>
    <message>
        <source>&amp;Close room…</source>
        <translation>&amp;Chiudi la stanza…</translation>
    </message>
    <message>
        <source>Send everyone out of the selected room and remove it</source>
        <translation>Fai uscire tutti dalla stanza selezionata ed eliminala</translation>
    </message>
    <message>
        <source>Set &amp;topic…</source>
        <translation>Imposta l&apos;&amp;argomento…</translation>
    </message>
    <message>
        <source>Change the selected room&apos;s topic; its members see a notice</source>
        <translation>Cambia l&apos;argomento della stanza selezionata; i suoi membri ricevono un avviso</translation>
    </message>
    <message>
        <source>Room &amp;read-only</source>
        <translation>Stanza in sola &amp;lettura</translation>
    </message>
    <message>
        <source>While on, only the operator can write in the selected room</source>
        <translation>Se attiva, solo l&apos;operatore può scrivere nella stanza selezionata</translation>
    </message>
    <message>
        <source>&amp;Move to room…</source>
        <translation>&amp;Sposta in una stanza…</translation>
    </message>
    <message>
        <source>Put the selected user in a room, as if they had joined it</source>
        <translation>Metti l&apos;utente selezionato in una stanza, come se avesse usato /join</translation>
    </message>
    <message>
        <source>#{room} is now read-only</source>
        <translation>#{room} ora è in sola lettura</translation>
    </message>
    <message>
        <source>#{room} is open again</source>
        <translation>#{room} è di nuovo aperta</translation>
    </message>
    <message>
        <source>“{name}” cannot be a room&apos;s name: at most {count} characters, without spaces, commas, colons or #.</source>
        <translation>«{name}» non può essere il nome di una stanza: al massimo {count} caratteri, senza spazi, virgole, due punti o #.</translation>
    </message>
    <message>
        <source>Not done: {reason}</source>
        <translation>Non eseguito: {reason}</translation>
    </message>
    <message>
        <source>there is no room #{room}</source>
        <translation>non c&apos;è nessuna stanza #{room}</translation>
    </message>
    <message>
        <source>a topic is one line of at most {count} characters</source>
        <translation>un argomento è una riga di al massimo {count} caratteri</translation>
    </message>
    <message>
        <source>#general is always there: it cannot be opened or closed</source>
        <translation>#general c&apos;è sempre: non si può aprire né chiudere</translation>
    </message>
    <message>
        <source>this server already holds as many rooms as it may ({count})</source>
        <translation>questo server ha già tutte le stanze che può avere ({count})</translation>
    </message>
    <message>
        <source>{name} is already in as many rooms as one may be ({count})</source>
        <translation>{name} è già nel numero massimo di stanze ({count})</translation>
    </message>
    <message>
        <source>New room</source>
        <translation>Nuova stanza</translation>
    </message>
    <message>
        <source>&amp;Name of the new room:</source>
        <translation>&amp;Nome della nuova stanza:</translation>
    </message>
    <message>
        <source>The room #{room} is open</source>
        <translation>La stanza #{room} è aperta</translation>
    </message>
    <message>
        <source>Close room</source>
        <translation>Chiudi la stanza</translation>
    </message>
    <message>
        <source>Close #{room}? Its {count} members online are sent out of it.</source>
        <translation>Chiudere #{room}? I suoi {count} membri in linea dovranno uscirne.</translation>
    </message>
    <message>
        <source>The room #{room} is closed</source>
        <translation>La stanza #{room} è chiusa</translation>
    </message>
    <message>
        <source>Topic of #{room}</source>
        <translation>Argomento di #{room}</translation>
    </message>
    <message>
        <source>&amp;Topic (empty: none):</source>
        <translation>&amp;Argomento (vuoto: nessuno):</translation>
    </message>
    <message>
        <source>A topic is one line of at most {count} characters</source>
        <translation>Un argomento è una riga di al massimo {count} caratteri</translation>
    </message>
    <message>
        <source>The topic of #{room} is set</source>
        <translation>L&apos;argomento di #{room} è impostato</translation>
    </message>
    <message>
        <source>Move {name}</source>
        <translation>Sposta {name}</translation>
    </message>
    <message>
        <source>Move user to room</source>
        <translation>Sposta l&apos;utente in una stanza</translation>
    </message>
    <message>
        <source>&amp;Room for {name} (a new name makes it):</source>
        <translation>&amp;Stanza per {name} (un nome nuovo la crea):</translation>
    </message>
    <message>
        <source>{name} is now in #{room}</source>
        <translation>{name} ora è in #{room}</translation>
    </message>
    <message>
        <source>{name} is no longer connected</source>
        <translation>{name} non è più in linea</translation>
    </message>
</context>
<context>
    <name>RoomsModel</name>
    <message>
        <source>Room</source>
        <translation>Stanza</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membri</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messaggi</translation>
    </message>
    <message>
        <source>Read-only</source>
        <translation>Sola lettura</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Argomento</translation>
    </message>
    <message>
        <source>The room&apos;s name; #general is everyone&apos;s</source>
        <translation>Il nome della stanza; #general è di tutti</translation>
    </message>
    <message>
        <source>Members connected now</source>
        <translation>Membri in linea ora</translation>
    </message>
    <message>
        <source>Messages posted in the room since the server started</source>
        <translation>Messaggi scritti nella stanza dall&apos;avvio del server</translation>
    </message>
    <message>
        <source>While ticked, only the operator can write in the room</source>
        <translation>Se spuntata, solo l&apos;operatore può scrivere nella stanza</translation>
    </message>
    <message>
        <source>The room&apos;s topic, shown to its members</source>
        <translation>L&apos;argomento della stanza, mostrato ai suoi membri</translation>
    </message>
    <message>
        <source>read-only</source>
        <translation>sola lettura</translation>
    </message>
    <message>
        <source>open</source>
        <translation>aperta</translation>
    </message>
    <message>
        <source>no topic</source>
        <translation>nessun argomento</translation>
    </message>
</context>
<context>
    <name>RoomsPanel</name>
    <message>
        <source>Rooms</source>
        <translation>Stanze</translation>
    </message>
    <message>
        <source>Room l&amp;ist</source>
        <translation>&amp;Elenco delle stanze</translation>
    </message>
    <message>
        <source>Room actions</source>
        <translation>Azioni sulle stanze</translation>
    </message>
</context>
<context>
    <name>SearchResultsPanel</name>
    <message>
        <source>Search results</source>
        <translation>Risultati della ricerca</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>Stato della ricerca</translation>
    </message>
    <message>
        <source>Older results</source>
        <translation>Risultati più vecchi</translation>
    </message>
    <message>
        <source>Close the search results</source>
        <translation>Chiudi i risultati della ricerca</translation>
    </message>
    <message>
        <source>Messages found on the server</source>
        <translation>Messaggi trovati sul server</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>Stanza</translation>
    </message>
    <message>
        <source>Author</source>
        <translation>Autore</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Testo</translation>
    </message>
    <message>
        <source>Searching the server for “{query}”…</source>
        <translation>Ricerca di «{query}» sul server…</translation>
    </message>
    <message>
        <source>Nothing found yet: look among older messages</source>
        <translation>Ancora nessun risultato: cerca tra i messaggi più vecchi</translation>
    </message>
    <message>
        <source>Nothing found on the server</source>
        <translation>Nessun risultato sul server</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) found on the server</source>
        <translation>
            <numerusform>%n messaggio trovato sul server</numerusform>
            <numerusform>%n messaggi trovati sul server</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SendBox</name>
    <message>
        <source>Send box</source>
        <translation>Riquadro di invio</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Messaggio</translation>
    </message>
    <message>
        <source>Type a message and press Enter to send it; Shift+Enter starts a new line. Type /help for the commands.</source>
        <translation>Scrivi un messaggio e premi Invio per inviarlo; Maiusc+Invio va a capo. Scrivi /help per i comandi.</translation>
    </message>
    <message>
        <source>Type a message: Enter sends, Shift+Enter starts a new line, /help lists commands</source>
        <translation>Scrivi un messaggio: Invio invia, Maiusc+Invio va a capo, /help elenca i comandi</translation>
    </message>
    <message>
        <source>Characters typed</source>
        <translation>Caratteri scritti</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Invia</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Invia</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Comandi:</translation>
    </message>
    <message>
        <source>Enter sends; Shift+Enter starts a new line; Up and Down recall what you sent; Ctrl+F finds; Ctrl+M shows mentions.</source>
        <translation>Invio invia; Maiusc+Invio va a capo; Su e Giù richiamano ciò che hai inviato; Ctrl+F cerca; Ctrl+M mostra le menzioni.</translation>
    </message>
    <message>
        <source>Too long: a message can have at most {max} characters.</source>
        <translation>Troppo lungo: un messaggio può avere al massimo {max} caratteri.</translation>
    </message>
    <message>
        <source>Not sent: {problem}.</source>
        <translation>Non inviato: {problem}.</translation>
    </message>
    <message>
        <source>Unknown command {command}: nothing was sent. Type /help for the commands.</source>
        <translation>Comando sconosciuto {command}: non è stato inviato niente. Scrivi /help per i comandi.</translation>
    </message>
    <message>
        <source>Usage: {usage}</source>
        <translation>Uso: {usage}</translation>
    </message>
</context>
<context>
    <name>ServerErrors</name>
    <message>
        <source>the server takes a message of 1 to {max} characters, not only spaces</source>
        <translation>il server accetta messaggi da 1 a {max} caratteri, non solo spazi</translation>
    </message>
    <message>
        <source>too many messages at once: wait a moment</source>
        <translation>troppi messaggi tutti insieme: aspetta un momento</translation>
    </message>
    <message>
        <source>the teacher has paused the chat</source>
        <translation>l&apos;insegnante ha messo in pausa la chat</translation>
    </message>
    <message>
        <source>nobody by that name is on this server now</source>
        <translation>su questo server ora non c&apos;è nessuno con quel nome</translation>
    </message>
    <message>
        <source>you are not in that room</source>
        <translation>non sei in quella stanza</translation>
    </message>
    <message>
        <source>that room cannot take messages</source>
        <translation>quella stanza non accetta messaggi</translation>
    </message>
    <message>
        <source>the server could not keep it: try again</source>
        <translation>il server non è riuscito a salvarlo: riprova</translation>
    </message>
    <message>
        <source>it is too large for the server</source>
        <translation>è troppo grande per il server</translation>
    </message>
    <message>
        <source>the server refused it ({detail})</source>
        <translation>il server l&apos;ha rifiutato ({detail})</translation>
    </message>
    <message>
        <source>The server did not understand this client: update the client or the server.</source>
        <translation>Il server non ha capito questo client: aggiorna il client o il server.</translation>
    </message>
    <message>
        <source>Something this client sent was too large for the server.</source>
        <translation>Qualcosa che questo client ha inviato era troppo grande per il server.</translation>
    </message>
    <message>
        <source>The server does not know one of this client&apos;s requests: it may be an older server.</source>
        <translation>Il server non conosce una delle richieste di questo client: forse è un server più vecchio.</translation>
    </message>
    <message>
        <source>Too many messages at once: the server dropped some.</source>
        <translation>Troppi messaggi tutti insieme: il server ne ha scartati alcuni.</translation>
    </message>
    <message>
        <source>The teacher has paused the chat: only they can write now.</source>
        <translation>L&apos;insegnante ha messo in pausa la chat: ora può scrivere solo chi la gestisce.</translation>
    </message>
    <message>
        <source>The server had a problem with its history.</source>
        <translation>Il server ha avuto un problema con la sua cronologia.</translation>
    </message>
    <message>
        <source>The server takes a message of 1 to {max} characters, not only spaces.</source>
        <translation>Il server accetta messaggi da 1 a {max} caratteri, non solo spazi.</translation>
    </message>
    <message>
        <source>Nobody by that name is on this server now.</source>
        <translation>Su questo server ora non c&apos;è nessuno con quel nome.</translation>
    </message>
    <message>
        <source>You are not in that room.</source>
        <translation>Non sei in quella stanza.</translation>
    </message>
    <message>
        <source>That is not a room you can use: a room&apos;s name has no spaces, commas, colons or #.</source>
        <translation>Non è una stanza che puoi usare: il nome di una stanza non ha spazi, virgole, due punti o #.</translation>
    </message>
    <message>
        <source>No more rooms: you are in as many as this server allows, or it has no room for more.</source>
        <translation>Niente più stanze: sei già nel numero massimo che questo server permette, oppure il server non ne può aprire altre.</translation>
    </message>
    <message>
        <source>The server does not accept this name.</source>
        <translation>Il server non accetta questo nome.</translation>
    </message>
    <message>
        <source>The server did not accept the password.</source>
        <translation>Il server non ha accettato la password.</translation>
    </message>
    <message>
        <source>The server speaks another version of the chat protocol: update the client or the server.</source>
        <translation>Il server parla un&apos;altra versione del protocollo di chat: aggiorna il client o il server.</translation>
    </message>
    <message>
        <source>This server does not let you in.</source>
        <translation>Questo server non ti lascia entrare.</translation>
    </message>
    <message>
        <source>The server reported a problem: {detail}</source>
        <translation>Il server segnala un problema: {detail}</translation>
    </message>
</context>
<context>
    <name>ServerNews</name>
    <message>
        <source>Older messages are not shown.</source>
        <translation>I messaggi più vecchi non sono mostrati.</translation>
    </message>
    <message>
        <source>The operator of this server can read private messages.</source>
        <translation>Chi gestisce questo server può leggere i messaggi privati.</translation>
    </message>
    <message>
        <source>The teacher has paused the chat: only they can write for now.</source>
        <translation>L&apos;insegnante ha messo in pausa la chat: per ora può scrivere solo chi la gestisce.</translation>
    </message>
    <message>
        <source>The chat is open again: everyone can write.</source>
        <translation>La chat è di nuovo aperta: tutti possono scrivere.</translation>
    </message>
    <message>
        <source>This server&apos;s history was reset.</source>
        <translation>La cronologia di questo server è ricominciata da capo.</translation>
    </message>
    <message>
        <source>The connection was lost: reconnecting…</source>
        <translation>La connessione si è interrotta: riconnessione…</translation>
    </message>
    <message>
        <source>The server closed the connection after an error.</source>
        <translation>Il server ha chiuso la connessione dopo un errore.</translation>
    </message>
    <message>
        <source>You left the chat.</source>
        <translation>Hai lasciato la chat.</translation>
    </message>
    <message>
        <source>→ {name} joined the chat</source>
        <translation>→ {name} è nella chat</translation>
    </message>
    <message>
        <source>left the chat</source>
        <translation>ha lasciato la chat</translation>
    </message>
    <message>
        <source>lost the connection</source>
        <translation>ha perso la connessione</translation>
    </message>
    <message>
        <source>stopped answering</source>
        <translation>non risponde più</translation>
    </message>
    <message>
        <source>was removed by the operator</source>
        <translation>non c&apos;è più: l&apos;operatore l&apos;ha fatto uscire</translation>
    </message>
    <message>
        <source>could not keep up and was disconnected</source>
        <translation>non riusciva a stare al passo e ha perso la connessione</translation>
    </message>
    <message>
        <source>left ({reason})</source>
        <translation>ha lasciato la chat ({reason})</translation>
    </message>
    <message>
        <source>Notice: {text}</source>
        <translation>Avviso: {text}</translation>
    </message>
    <message>
        <source>Notice from the server</source>
        <translation>Avviso dal server</translation>
    </message>
    <message>
        <source>The server is shutting down. Reconnecting when it is back.</source>
        <translation>Il server si sta spegnendo. La connessione riprenderà quando tornerà attivo.</translation>
    </message>
    <message>
        <source>The server is shutting down: {reason}. Reconnecting when it is back.</source>
        <translation>Il server si sta spegnendo: {reason}. La connessione riprenderà quando tornerà attivo.</translation>
    </message>
    <message>
        <source>The operator removed you from the chat: {reason}</source>
        <translation>L&apos;operatore ti ha fatto uscire dalla chat: {reason}</translation>
    </message>
    <message>
        <source>The operator removed you from the chat.</source>
        <translation>L&apos;operatore ti ha fatto uscire dalla chat.</translation>
    </message>
    <message>
        <source>Removed from the chat</source>
        <translation>Fuori dalla chat</translation>
    </message>
    <message numerus="yes">
        <source>%n missed while you were away</source>
        <translation>
            <numerusform>%n messaggio perso mentre eri via</numerusform>
            <numerusform>%n messaggi persi mentre eri via</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerSearch</name>
    <message>
        <source>Not connected: the server cannot be searched now</source>
        <translation>Nessuna connessione: ora non si può cercare sul server</translation>
    </message>
    <message>
        <source>You are no longer in #{room}</source>
        <translation>Non sei più in #{room}</translation>
    </message>
    <message>
        <source>Not connected: the messages around it cannot be loaded now</source>
        <translation>Senza connessione: ora non si possono caricare i messaggi intorno</translation>
    </message>
    <message>
        <source>Loading the messages around it…</source>
        <translation>Caricamento dei messaggi intorno…</translation>
    </message>
    <message>
        <source>That message is no longer on the server</source>
        <translation>Quel messaggio non è più sul server</translation>
    </message>
</context>
<context>
    <name>Timelines</name>
    <message>
        <source>New</source>
        <translation>Nuovi</translation>
    </message>
    <message numerus="yes">
        <source>%n missed while you were away</source>
        <translation>
            <numerusform>%n perso mentre eri via</numerusform>
            <numerusform>%n persi mentre eri via</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TrustDialog</name>
    <message>
        <source>Check the server&apos;s certificate</source>
        <translation>Controlla il certificato del server</translation>
    </message>
    <message>
        <source>The server at {address} uses a certificate no authority vouches for. Ask its operator whether its SHA-256 fingerprint is:</source>
        <translation>Il server a {address} usa un certificato che nessuna autorità garantisce. Chiedi a chi lo gestisce se la sua impronta SHA-256 è:</translation>
    </message>
    <message>
        <source>Trust it only if it matches. It will be remembered for this server.</source>
        <translation>Fidati solo se corrisponde. Verrà ricordato per questo server.</translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation>Fidati e connetti</translation>
    </message>
    <message>
        <source>Trust the certificate and connect</source>
        <translation>Fidati del certificato e connetti</translation>
    </message>
    <message>
        <source>The server&apos;s certificate has changed</source>
        <translation>Il certificato del server è cambiato</translation>
    </message>
    <message>
        <source>WARNING: the server at {address} shows a different certificate from the one you trusted before. Someone may be pretending to be it. The connection was refused.</source>
        <translation>ATTENZIONE: il server a {address} mostra un certificato diverso da quello a cui avevi dato fiducia. Qualcuno potrebbe spacciarsi per quel server. La connessione è stata rifiutata.</translation>
    </message>
    <message>
        <source>Trusted before:</source>
        <translation>Quello di cui ti fidavi:</translation>
    </message>
    <message>
        <source>Shown now:</source>
        <translation>Quello mostrato ora:</translation>
    </message>
    <message>
        <source>The operator changed it: trust the new one</source>
        <translation>L&apos;ha cambiato chi gestisce il server: fidati del nuovo</translation>
    </message>
</context>
<context>
    <name>UnsentDialog</name>
    <message>
        <source>Messages not sent yet</source>
        <translation>Messaggi non ancora inviati</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) not sent yet</source>
        <translation>
            <numerusform>%n messaggio non ancora inviato</numerusform>
            <numerusform>%n messaggi non ancora inviati</numerusform>
        </translation>
    </message>
    <message>
        <source>Kept, they are sent the next time you connect to this server.</source>
        <translation>Se li tieni, partono la prossima volta che ti colleghi a questo server.</translation>
    </message>
    <message>
        <source>&amp;Keep them for next time</source>
        <translation>&amp;Tienili per la prossima volta</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Scarta</translation>
    </message>
</context>
<context>
    <name>UserListPanel</name>
    <message>
        <source>Users panel</source>
        <translation>Pannello degli utenti</translation>
    </message>
    <message>
        <source>Number of users</source>
        <translation>Numero di utenti</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utenti</translation>
    </message>
    <message>
        <source>Double-click or press Enter to write privately.</source>
        <translation>Doppio clic o Invio per scrivere in privato.</translation>
    </message>
    <message>
        <source>Double-click a name to send a private message</source>
        <translation>Doppio clic su un nome per un messaggio privato</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) online</source>
        <translation>
            <numerusform>%n utente in linea</numerusform>
            <numerusform>%n utenti in linea</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UsersActions</name>
    <message>
        <source>&amp;Kick…</source>
        <translation>&amp;Espelli…</translation>
    </message>
    <message>
        <source>Disconnect the selected user (Del)</source>
        <translation>Disconnette l&apos;utente selezionato (Canc)</translation>
    </message>
    <message>
        <source>&amp;Ban…</source>
        <translation>&amp;Blocca…</translation>
    </message>
    <message>
        <source>Keep a name, or an address, out of the chat (the selected user&apos;s)</source>
        <translation>Tiene fuori dalla chat un nome o un indirizzo (quelli dell&apos;utente selezionato)</translation>
    </message>
    <message>
        <source>&amp;Names and bans…</source>
        <translation>&amp;Nomi e blocchi…</translation>
    </message>
    <message>
        <source>Reserved names and bans in force: release a name, lift a ban</source>
        <translation>Nomi riservati e blocchi in vigore: libera un nome, revoca un blocco</translation>
    </message>
    <message>
        <source>{name} is no longer connected</source>
        <translation>{name} non è più in linea</translation>
    </message>
    <message>
        <source>The name {name} is banned {span}</source>
        <translation>Il nome {name} è bloccato {span}</translation>
    </message>
    <message>
        <source>The address {address} is banned {span}</source>
        <translation>L&apos;indirizzo {address} è bloccato {span}</translation>
    </message>
</context>
<context>
    <name>UsersModel</name>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Indirizzo</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Ingresso</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messaggi</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In coda</translation>
    </message>
    <message>
        <source>Ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <source>Too fast</source>
        <translation>Scartati</translation>
    </message>
    <message>
        <source>The name the user registered with</source>
        <translation>Il nome registrato dall&apos;utente</translation>
    </message>
    <message>
        <source>The user&apos;s IP address and port</source>
        <translation>Indirizzo IP e porta dell&apos;utente</translation>
    </message>
    <message>
        <source>Connected since (local time)</source>
        <translation>Ora di ingresso (ora locale)</translation>
    </message>
    <message>
        <source>Messages this user posted</source>
        <translation>Messaggi inviati da questo utente</translation>
    </message>
    <message>
        <source>Bytes waiting to be sent to this user</source>
        <translation>Byte in attesa di essere inviati a questo utente</translation>
    </message>
    <message>
        <source>Round-trip time of the last ping</source>
        <translation>Tempo di andata e ritorno dell&apos;ultimo ping</translation>
    </message>
    <message>
        <source>Messages dropped because this user wrote too fast</source>
        <translation>Messaggi scartati perché questo utente scriveva troppo in fretta</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <source>Connected users</source>
        <translation>Utenti in linea</translation>
    </message>
    <message>
        <source>&amp;Connected users</source>
        <translation>Utenti i&amp;n linea</translation>
    </message>
    <message>
        <source>User actions</source>
        <translation>Azioni sull&apos;utente</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;Connect to a server…</source>
        <translation>&amp;Connettiti a un server…</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Trova…</translation>
    </message>
    <message>
        <source>Find &amp;next</source>
        <translation>Trova &amp;successivo</translation>
    </message>
    <message>
        <source>Find &amp;previous</source>
        <translation>Trova &amp;precedente</translation>
    </message>
    <message>
        <source>C&amp;lear the view</source>
        <translation>&amp;Pulisci la vista</translation>
    </message>
    <message>
        <source>&amp;Leave and quit</source>
        <translation>&amp;Esci dalla chat</translation>
    </message>
    <message>
        <source>&amp;Mentions and private messages</source>
        <translation>&amp;Menzioni e messaggi privati</translation>
    </message>
    <message>
        <source>Go to the &amp;message line</source>
        <translation>Vai alla riga del &amp;messaggio</translation>
    </message>
    <message>
        <source>Go to the &amp;users</source>
        <translation>Vai agli &amp;utenti</translation>
    </message>
    <message>
        <source>&amp;Commands</source>
        <translation>&amp;Comandi</translation>
    </message>
    <message>
        <source>&amp;Available</source>
        <translation>&amp;Disponibile</translation>
    </message>
    <message>
        <source>A&amp;way</source>
        <translation>&amp;Assente</translation>
    </message>
    <message>
        <source>&amp;Busy</source>
        <translation>&amp;Non disponibile</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;Status</source>
        <translation>S&amp;tato</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Visualizza</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aiuto</translation>
    </message>
</context>
<context>
    <name>WindowRooms</name>
    <message>
        <source>Notice: {text}</source>
        <translation>Avviso: {text}</translation>
    </message>
    <message>
        <source>The teacher has paused #{room}: only they can write there for now.</source>
        <translation>L&apos;insegnante ha messo in pausa #{room}: per ora lì può scrivere solo chi la gestisce.</translation>
    </message>
    <message>
        <source>#{room} is open again: everyone can write there.</source>
        <translation>#{room} è di nuovo aperta: lì tutti possono scrivere.</translation>
    </message>
    <message>
        <source>The topic of #{room} is now: {topic}</source>
        <translation>Ora l&apos;argomento di #{room} è: {topic}</translation>
    </message>
    <message>
        <source>The topic of #{room} was cleared.</source>
        <translation>L&apos;argomento di #{room} è stato tolto.</translation>
    </message>
    <message>
        <source>→ {name} joined #{room}</source>
        <translation>→ {name} è in #{room}</translation>
    </message>
    <message>
        <source>← {name} left #{room}</source>
        <translation>← {name} ha lasciato #{room}</translation>
    </message>
    <message>
        <source>{name} is typing…</source>
        <translation>{name} sta scrivendo…</translation>
    </message>
    <message>
        <source>{first} and {second} are typing…</source>
        <translation>{first} e {second} stanno scrivendo…</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n persona sta scrivendo…</numerusform>
            <numerusform>%n persone stanno scrivendo…</numerusform>
        </translation>
    </message>
    <message>
        <source>Rooms on this server:</source>
        <translation>Stanze di questo server:</translation>
    </message>
    <message numerus="yes">
        <source>#{room}: %n user(s)</source>
        <translation>
            <numerusform>#{room}: %n utente</numerusform>
            <numerusform>#{room}: %n utenti</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowTitle</name>
    <message>
        <source>{title} (disconnected)</source>
        <translation>{title} (non in linea)</translation>
    </message>
    <message>
        <source>{title} (reconnecting…)</source>
        <translation>{title} (riconnessione…)</translation>
    </message>
    <message>
        <source>{title} (connecting…)</source>
        <translation>{title} (connessione…)</translation>
    </message>
</context>
<context>
    <name>presence</name>
    <message>
        <source>available</source>
        <translation>disponibile</translation>
    </message>
    <message>
        <source>away</source>
        <translation>assente</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>non disponibile</translation>
    </message>
    <message>
        <source>{name} (you)</source>
        <translation>{name} (tu)</translation>
    </message>
    <message>
        <source>{who}, not connected</source>
        <translation>{who}, non in linea</translation>
    </message>
    <message>
        <source>{who}, {state}</source>
        <translation>{who}, {state}</translation>
    </message>
</context>
<context>
    <name>window_names</name>
    <message>
        <source>Menu bar</source>
        <translation>Barra dei menu</translation>
    </message>
    <message>
        <source>{menu} menu</source>
        <translation>Menu {menu}</translation>
    </message>
    <message>
        <source>Divider between the panels</source>
        <translation>Divisore tra i riquadri</translation>
    </message>
    <message>
        <source>Resize the window</source>
        <translation>Ridimensiona la finestra</translation>
    </message>
    <message>
        <source>Vertical scroll bar</source>
        <translation>Barra di scorrimento verticale</translation>
    </message>
    <message>
        <source>Horizontal scroll bar</source>
        <translation>Barra di scorrimento orizzontale</translation>
    </message>
</context>
</TS>
