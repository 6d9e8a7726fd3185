// Stream-info XML (liblsl's shortinfo layout, read_xml's validity rules) and the query subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStreamInfo, matchesQuery, parseInfoXml, parseQuery, writeInfoXml, buildQuery } from '../../../src/stream/lsl/index.js';
import { ArgumentError, FormatError } from '../../../src/errors.js';

const info = () => ({
  ...createStreamInfo({
    name: 'BioSemi', type: 'EEG', channelCount: 64, channelFormat: 'float32' as const, nominalSrate: 1000, sourceId: 'bs-1',
    uid: '0f3c2a6e-1111-4222-8333-444455556666', hostname: 'lab-pc', createdAt: 1234.5,
  }),
  v4dataPort: 16572, v4servicePort: 16573,
});

test('shortinfo XML is written in liblsl layout: fixed element order, one tab indent, 16 significant digits', () => {
  const want = [
    '<?xml version="1.0"?>', '<info>',
    '\t<name>BioSemi</name>', '\t<type>EEG</type>', '\t<channel_count>64</channel_count>', '\t<channel_format>float32</channel_format>',
    '\t<source_id>bs-1</source_id>', '\t<nominal_srate>1000.000000000000</nominal_srate>', '\t<version>1.100000000000000</version>',
    '\t<created_at>1234.500000000000</created_at>', '\t<uid>0f3c2a6e-1111-4222-8333-444455556666</uid>', '\t<session_id>default</session_id>',
    '\t<hostname>lab-pc</hostname>', '\t<v4address />', '\t<v4data_port>16572</v4data_port>', '\t<v4service_port>16573</v4service_port>',
    '\t<v6address />', '\t<v6data_port>0</v6data_port>', '\t<v6service_port>0</v6service_port>', '\t<desc />', '</info>', '',
  ].join('\n');
  assert.equal(writeInfoXml(info()), want);
});

test('shortinfo XML round-trips, escapes text, and fullinfo carries desc', () => {
  const i = { ...info(), name: 'a<b & "c"', desc: '<channels><channel><label>Fz</label></channel></channels>' };
  const back = parseInfoXml(writeInfoXml(i, { full: true }));
  assert.deepEqual(back, i);
  assert.equal(parseInfoXml(writeInfoXml(i)).desc, '');
  assert.equal(parseInfoXml(writeInfoXml(i)).version, 110);
});

test('invalid stream infos are refused with FormatError naming the field', () => {
  const xml = writeInfoXml(info());
  const cases: [string, RegExp][] = [
    [xml.replace('<name>BioSemi</name>', '<name></name>'), /name is empty/],
    [xml.replace('float32', 'float128'), /channel_format 'float128'/],
    [xml.replace('float32', 'undefined'), /channel_format 'undefined'/],
    [xml.replace('<nominal_srate>1000.000000000000', '<nominal_srate>-1'), /nominal_srate -1/],
    [xml.replace('<version>1.100000000000000', '<version>0'), /version 0/],
    [xml.replace('<uid>0f3c2a6e-1111-4222-8333-444455556666</uid>', '<uid />'), /uid is empty/],
    [xml.replace('<v4data_port>16572', '<v4data_port>70000'), /v4dataPort 70000/],
    [xml.replace('<channel_count>64', '<channel_count>abc'), /channel_count> 'abc' is not a number/],
    [xml.replace('<channel_count>64</channel_count>', ''), /channel_count> is missing/],
    [xml.replace('</info>', ''), /malformed XML/],
    [xml.replace('<info>', '<info><a>').replace('</info>', '</b></info>'), /malformed XML/],
    ['<info>' + '<a>'.repeat(100) + '</a>'.repeat(100) + '</info>', /nesting deeper/],
    ['garbage', /malformed XML|no root/],
    ['<stream/>', /root element is <stream>/],
  ];
  for (const [x, re] of cases) assert.throws(() => parseInfoXml(x, 'test info'), (e: Error) => e instanceof FormatError && re.test(e.message) && e.message.includes('test info'), re.source);
  assert.throws(() => createStreamInfo({ name: 'x', channelCount: 0 }), ArgumentError);
});

test('query subset: field equality, numbers, starts-with, and; unsupported queries are refused', () => {
  const i = info();
  assert.ok(matchesQuery(i, ''));
  assert.ok(matchesQuery(i, "name='BioSemi'"));
  assert.ok(matchesQuery(i, `type="EEG" and name='BioSemi' and channel_count=64`));
  assert.ok(matchesQuery(i, "starts-with(name,'Bio') and source_id='bs-1'"));
  assert.ok(!matchesQuery(i, "name='BioSemi' and type='Markers'"));
  assert.ok(!matchesQuery(i, 'channel_count=63'));
  assert.equal(buildQuery({ name: "it's", type: undefined }), `name="it's"`);
  assert.equal(buildQuery({ name: 'EEG', source_id: 'x' }), "name='EEG' and source_id='x'");
  for (const q of ["name='a' or type='b'", "contains(name,'a')", "foo='a'", "name='a' and", 'name=a']) {
    assert.throws(() => parseQuery(q), (e: Error) => e instanceof ArgumentError && e.message.includes(q));
  }
});
