<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Attention</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>and %n more</numerusform>
            <numerusform>and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatWindow</name>
    <message numerus="yes">
        <source>%n new message(s)</source>
        <translation>
            <numerusform>%n new message</numerusform>
            <numerusform>%n new messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n user</numerusform>
            <numerusform>%n users</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n server(s) found on this network.</source>
        <translation>
            <numerusform>%n server found on this network.</numerusform>
            <numerusform>%n servers found on this network.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ConnectionStatus</name>
    <message numerus="yes">
        <source>Reconnecting in %n s</source>
        <translation>
            <numerusform>Reconnecting in %n s</numerusform>
            <numerusform>Reconnecting in %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RoomListModel</name>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n unread</numerusform>
            <numerusform>%n unread</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchResultsPanel</name>
    <message numerus="yes">
        <source>%n message(s) found on the server</source>
        <translation>
            <numerusform>%n message found on the server</numerusform>
            <numerusform>%n messages found on the server</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerNews</name>
    <message numerus="yes">
        <source>%n missed while you were away</source>
        <translation>
            <numerusform>%n missed while you were away</numerusform>
            <numerusform>%n missed while you were away</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Timelines</name>
    <message numerus="yes">
        <source>%n missed while you were away</source>
        <translation>
            <numerusform>%n missed while you were away</numerusform>
            <numerusform>%n missed while you were away</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UnsentDialog</name>
    <message numerus="yes">
        <source>%n message(s) not sent yet</source>
        <translation>
            <numerusform>%n message not sent yet</numerusform>
            <numerusform>%n messages not sent yet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>UserListPanel</name>
    <message numerus="yes">
        <source>%n user(s) online</source>
        <translation>
            <numerusform>%n user online</numerusform>
            <numerusform>%n users online</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WindowRooms</name>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n person is typing…</numerusform>
            <numerusform>%n people are typing…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>#{room}: %n user(s)</source>
        <translation>
            <numerusform>#{room}: %n user</numerusform>
            <numerusform>#{room}: %n users</numerusform>
        </translation>
    </message>
</context>
</TS>
