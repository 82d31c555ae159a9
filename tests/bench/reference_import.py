#!/usr/bin/python3
"""The reference importer of bench_import: what a support engineer would write with Python's
standard library alone. It reads an NT 4.0 .EVT file (struct), a wevtutil XML export
(xml.etree.ElementTree.iterparse) or an Event Viewer CSV export (csv), and inserts the events
into an SQLite table shaped like msmisim's `events` with executemany in batches, one transaction.
It renders nothing and checks little: it is the floor a native importer is measured against.

usage: reference_import.py evt|xml|csv FILE DB
"""
import csv
import sqlite3
import struct
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

SCHEMA = """CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY, record_number INTEGER, time_us INTEGER, time TEXT, computer TEXT,
  source TEXT, event_id INTEGER, event_identifier INTEGER, type TEXT, category TEXT,
  user TEXT, description TEXT, strings TEXT, data BLOB)"""
INSERT = """INSERT INTO events(record_number, time_us, time, computer, source, event_id,
  event_identifier, type, category, user, description, strings, data)
  VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"""
TYPES = {1: "Error", 2: "Warning", 4: "Information", 8: "Audit Success", 16: "Audit Failure"}
NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def utf16z(buf, offset):
    end = offset
    while buf[end:end + 2] != b"\0\0":
        end += 2
    return buf[offset:end].decode("utf-16-le"), end + 2


def read_evt(path):
    with open(path, "rb") as f:
        f.read(0x30)  # the header
        while True:
            head = f.read(8)
            if len(head) < 8:
                return
            length, signature = struct.unpack("<II", head)
            if signature != 0x654C664C or length == 0x28:
                return
            body = head + f.read(length - 8)
            (number, generated, written, identifier, etype, nstrings, category, _, _,
             string_offset, sid_length, sid_offset, data_length, data_offset) = struct.unpack(
                 "<IIIIHHHHIIIIII", body[8:56])
            source, pos = utf16z(body, 56)
            computer, _ = utf16z(body, pos)
            strings = []
            pos = string_offset
            for _ in range(nstrings):
                s, pos = utf16z(body, pos)
                strings.append(s)
            data = body[data_offset:data_offset + data_length]
            yield (number, generated * 1000000, iso(generated), computer, source,
                   identifier & 0xFFFF, identifier, TYPES.get(etype, "Information"),
                   str(category), None, None, repr(strings), data)


def read_xml(path):
    # msmisim's wevtutil XML: one <Event> per line under an <Events> root (or none). Each
    # finished event is cleared and dropped from its parent, so memory stays flat.
    root = None
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if root is None:
                root = element
            continue
        if element.tag != NS + "Event":
            continue
        system = element.find(NS + "System")
        provider = system.find(NS + "Provider").get("Name")
        event_id_element = system.find(NS + "EventID")
        event_id = int(event_id_element.text)
        qualifiers = event_id_element.get("Qualifiers")
        identifier = (int(qualifiers) << 16 | event_id) if qualifiers is not None else None
        created = system.find(NS + "TimeCreated").get("SystemTime")  # "…:SS.fffffffffZ"
        when = datetime.fromisoformat(created[:26] + "+00:00")
        record = int(system.find(NS + "EventRecordID").text)
        computer = system.find(NS + "Computer").text
        security = system.find(NS + "Security")
        user = security.get("UserID") if security is not None else None
        strings = [d.text or "" for d in element.iter(NS + "Data")]
        binary = element.find(f"{NS}EventData/{NS}Binary")
        message = element.find(f"{NS}RenderingInfo/{NS}Message")
        yield (record, int(when.timestamp() * 1000000), created, computer, provider, event_id,
               identifier, system.find(NS + "Level").text, system.find(NS + "Task").text, user,
               message.text if message is not None else None, repr(strings),
               bytes.fromhex(binary.text) if binary is not None and binary.text else None)
        element.clear()
        if root is not element:
            root.clear()


def read_csv(path):
    # msmisim's Event Viewer CSV: a header line
    # Type,Date,Time,Source,Category,Event,User,Computer,Description, RFC 4180 quoting,
    # dates year first and times on the 24-hour clock, in UTC.
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        header = next(rows)
        column = {name: i for i, name in enumerate(header)}
        c_type, c_date, c_time = column["Type"], column["Date"], column["Time"]
        c_source, c_category, c_event = column["Source"], column["Category"], column["Event"]
        c_user, c_computer = column["User"], column["Computer"]
        c_description = column["Description"]
        for number, row in enumerate(rows, 1):
            stamp = row[c_date] + "T" + row[c_time]
            when = datetime.fromisoformat(stamp + "+00:00")
            user = row[c_user]
            yield (number, int(when.timestamp() * 1000000), stamp + ".000Z", row[c_computer],
                   row[c_source], int(row[c_event]), None, row[c_type], row[c_category],
                   None if user == "N/A" else user, row[c_description], None, None)


def main():
    kind, path, db = sys.argv[1:4]
    reader = {"evt": read_evt, "xml": read_xml, "csv": read_csv}[kind]
    con = sqlite3.connect(db)
    con.execute(SCHEMA)
    count = 0
    batch = []
    with con:
        for row in reader(path):
            batch.append(row)
            if len(batch) == 10000:
                con.executemany(INSERT, batch)
                count += len(batch)
                batch.clear()
        con.executemany(INSERT, batch)
        count += len(batch)
    print(count)


if __name__ == "__main__":
    main()
