#!/usr/bin/env python3
# Writes the synthetic allocation-failure reports used by tests/test_explain.c.
# The numbers are made up but consistent (zone free = buddy sum, watermarks in
# the ratios the kernel uses); each cause file is built so that exactly one
# cause explains it. Run from this directory: ./make-fixtures.py
import textwrap

def buddy(prefix, counts, letters=None, page=4):
    parts, total = [], 0
    for o, c in enumerate(counts):
        size = page << o
        total += c * size
        t = ''
        if letters and letters[o]:
            t = ' (%s)' % letters[o]
        parts.append('%d*%dkB%s' % (c, size, t))
    return '%s: %s = %dkB' % (prefix, ' '.join(parts), total), total

def zone(node, name, free, mn, low, high, present, managed, cma=0, ha=0, lowmem=None):
    s = ('Node %d %s free:%dkB boost:0kB min:%dkB low:%dkB high:%dkB reserved_highatomic:%dKB '
         'active_anon:0kB inactive_anon:1204kB active_file:2048kB inactive_file:4096kB '
         'unevictable:0kB writepending:0kB present:%dkB managed:%dkB mlocked:0kB bounce:0kB '
         'free_pcp:0kB local_pcp:0kB free_cma:%dkB') % (node, name, free, mn, low, high, ha,
                                                      present, managed, cma)
    return [s, 'lowmem_reserve[]: ' + ' '.join(str(x) for x in lowmem)]

MEMINFO = '''Mem-Info:
active_anon:1102 inactive_anon:20431 isolated_anon:0
 active_file:60012 inactive_file:120044 isolated_file:0
 unevictable:0 dirty:12 writeback:0
 slab_reclaimable:9012 slab_unreclaimable:8011
 mapped:5120 shmem:280 pagetables:311
 sec_pagetables:0 bounce:0
 kernel_misc_reclaimable:0
 free:%d free_pcp:310 free_cma:%d
Node 0 active_anon:4408kB inactive_anon:81724kB active_file:240048kB inactive_file:480176kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:20480kB dirty:48kB writeback:0kB shmem:1120kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:2240kB pagetables:1244kB sec_pagetables:0kB all_unreclaimable? no'''

def header(comm, order, mode, names, version, frames, extra=''):
    lines = ['%s: page allocation failure: order:%d, mode:%s(%s), nodemask=(null),cpuset=/,mems_allowed=0' %
             (comm, order, mode, names),
             'CPU: 1 PID: 87 Comm: %s Not tainted %s #1 Debian' % (comm, version),
             'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
             'Call Trace:', ' <TASK>', ' dump_stack_lvl+0x44/0x5c', ' warn_alloc+0x137/0x160',
             ' __alloc_pages_slowpath.constprop.0+0xc0e/0xc50', ' __alloc_pages+0x2f4/0x330']
    lines += [' ' + f for f in frames]
    lines.append(' </TASK>')
    return lines

def report(comm, order, mode, names, version, frames, zones, free_cma=0):
    lines = header(comm, order, mode, names, version, frames)
    total = 0
    zl, bl = [], []
    for z in zones:
        b, t = buddy('Node 0 ' + z['name'], z['counts'], z.get('letters'))
        total += t
        zl += zone(0, z['name'], t, z['min'], z['low'], z['high'], z['present'], z['managed'],
                   z.get('cma', 0), z.get('ha', 0), z['lowmem'])
        bl.append(b)
    lines += (MEMINFO % (total // 4, free_cma // 4)).split('\n')
    lines += zl + bl
    lines += ['Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB',
              '45000 total pagecache pages', '0 pages in swap cache', 'Free swap  = 0kB',
              'Total swap = 0kB', '1048446 pages RAM', '0 pages HighMem/MovableOnly',
              '26779 pages reserved', '0 pages hwpoisoned']
    return lines

UME = ['UME'] * 11
DMA = dict(name='DMA', counts=[0]*8 + [1, 1, 3], letters=[None]*8 + ['U', 'M', 'M'],
           min=132, low=164, high=196, present=15992, managed=15360, lowmem=[0, 2978, 3897, 3897, 3897])
KMALLOC = ['__kmalloc_large_node+0x79/0x140', '__kmalloc+0xbd/0x150', 'fragtest_grab+0x3a/0x90 [fragtest]',
           'process_one_work+0x1c7/0x380', 'worker_thread+0x4d/0x380', 'kthread+0xe6/0x110']

def write(name, lines):
    with open(name, 'w') as f:
        f.write('\n'.join(lines) + '\n')

# fragmentation: plenty free in DMA32 and Normal, nothing at order >= 4
FRAG = report('kworker/u8:2', 4, '0x40cc0', 'GFP_KERNEL|__GFP_COMP', '6.1.0-18-amd64', KMALLOC, [
    DMA,
    dict(name='DMA32', counts=[40000, 10000, 3750] + [0]*8, letters=UME, min=25716, low=32144,
         high=38572, present=3129200, managed=3049552, lowmem=[0, 0, 919, 919, 919]),
    dict(name='Normal', counts=[10125, 2500, 1000, 100] + [0]*7, letters=['UME', 'UME', 'UM', 'M'] + [None]*7,
         min=7936, low=9920, high=11904, present=1048576, managed=941384, lowmem=[0, 0, 0, 0, 0]),
])
write('cause-fragmentation.log', FRAG)

# watermark: 5.10 GFP_ATOMIC order-2 in a CMA-heavy zone; U blocks exist but
# free minus CMA is below the reduced min
write('cause-watermark.log', report('irq/45-eth0', 2, '0xa20', 'GFP_ATOMIC', '5.10.0-28-arm64',
    ['__napi_alloc_skb+0x44/0x100', 'mydrv_rx_refill+0x88/0x200 [mydrv]', 'net_rx_action+0x150/0x3a0'], [
    dict(name='DMA32', counts=[2000, 500, 100, 10, 300, 200, 100] + [0]*4,
         letters=['UMC', 'UMC', 'UC', 'UC', 'C', 'C', 'C'] + [None]*4,
         min=16384, low=20480, high=24576, present=2097152, managed=2000000, cma=80000,
         lowmem=[0, 0, 0]),
], free_cma=0))

# migratetype: 6.1 GFP_KERNEL order-3; order >= 3 blocks exist only as CMA / high-atomic
write('cause-migratetype.log', report('modprobe', 3, '0xcc0', 'GFP_KERNEL', '6.1.0-18-arm64',
    ['__kmalloc+0xbd/0x150', 'bigdrv_probe+0x3a/0x90 [bigdrv]', 'really_probe+0x18c/0x3d0'], [
    dict(name='DMA32', counts=[30000, 8000, 2000, 50, 400, 100, 20, 10] + [0]*3,
         letters=['UME', 'UME', 'UMEH', 'CH', 'C', 'C', 'C', 'C'] + [None]*3,
         min=8192, low=10240, high=12288, present=2097152, managed=2000000, cma=1600 + 25600 + 12800 + 5120 + 5120,
         ha=2048, lowmem=[0, 0, 0]),
]))

# zone_exhausted: GFP_DMA order-1; ZONE_DMA nearly empty, Normal has plenty
write('cause-zone-exhausted.log', report('insmod', 1, '0xcc1', 'GFP_KERNEL|GFP_DMA', '6.1.0-18-amd64',
    ['__kmalloc+0xbd/0x150', 'olddev_init+0x3a/0x90 [olddev]', 'do_one_initcall+0x41/0x200'], [
    dict(name='DMA', counts=[20, 0, 0] + [0]*8, letters=['U'] + [None]*10, min=132, low=164, high=196,
         present=15992, managed=15360, lowmem=[0, 2978, 3897, 3897, 3897]),
    dict(name='DMA32', counts=[40000, 10000, 3750, 1000, 500, 100] + [0]*5, letters=UME, min=25716, low=32144,
         high=38572, present=3129200, managed=3049552, lowmem=[0, 0, 919, 919, 919]),
    dict(name='Normal', counts=[10000, 2500, 1000, 100, 50] + [0]*6, letters=UME,
         min=7936, low=9920, high=11904, present=1048576, managed=941384, lowmem=[0, 0, 0, 0, 0]),
]))

# lowmem_reserve: GFP_KERNEL order-2; Normal below min, DMA32 has blocks and
# free memory, but lowmem_reserve[Normal] keeps them
write('cause-lowmem-reserve.log', report('java', 2, '0xcc0', 'GFP_KERNEL', '6.1.0-18-amd64', KMALLOC, [
    DMA,
    dict(name='DMA32', counts=[9000, 2000, 500, 200, 60, 10] + [0]*5, letters=UME, min=5000, low=6250,
         high=7500, present=1048576, managed=1000000, lowmem=[0, 0, 30000, 30000, 30000]),
    dict(name='Normal', counts=[5000, 1000, 100] + [0]*8, letters=UME, min=40000, low=50000, high=60000,
         present=16777216, managed=16000000, lowmem=[0, 0, 0, 0, 0]),
]))

# low_memory: every zone at or below min
write('cause-low-memory.log', report('stress-ng', 1, '0xcc0', 'GFP_KERNEL', '6.12.12-amd64',
    ['__kmalloc_noprof+0xbd/0x150', 'memhog_ioctl+0x3a/0x90 [memhog]', '__x64_sys_ioctl+0x8d/0xc0'], [
    dict(name='DMA', counts=[10, 5, 2] + [0]*8, letters=['U', 'U', 'U'] + [None]*8, min=132, low=164,
         high=196, present=15992, managed=15360, lowmem=[0, 2978, 3897, 3897, 3897]),
    dict(name='DMA32', counts=[3000, 800, 100, 10] + [0]*7, letters=UME, min=25716, low=32144,
         high=38572, present=3129200, managed=3049552, lowmem=[0, 0, 919, 919, 919]),
    dict(name='Normal', counts=[1200, 200, 10] + [0]*8, letters=UME, min=7936, low=9920, high=11904,
         present=1048576, managed=941384, lowmem=[0, 0, 0, 0, 0]),
]))

write('cause-insufficient.log', [
    'Jun  3 19:59:56 build kernel: [ 1234.567890] cc1plus: page allocation failure: order:5, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0',
    'Jun  3 19:59:56 build kernel: [ 1234.567900] CPU: 2 PID: 4242 Comm: cc1plus Not tainted 5.15.0-107-generic #117-Ubuntu',
])

write('vmalloc.log', [
    '[  812.345678] modprobe: vmalloc error: size 4194304, page order 0, failed to allocate pages, mode:0xdc0(GFP_KERNEL|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0',
    '[  812.345690] CPU: 0 PID: 911 Comm: modprobe Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1',
    '[  812.345700] Call Trace:',
    '[  812.345701]  <TASK>',
    '[  812.345702]  dump_stack_lvl+0x44/0x5c',
    '[  812.345703]  warn_alloc+0x137/0x160',
    '[  812.345704]  __vmalloc_node_range+0x65c/0x820',
    '[  812.345705]  module_alloc+0x4b/0x60',
    '[  812.345706]  load_module+0x1e2/0x2140',
    '[  812.345707]  </TASK>',
])

# ---- the fragmentation report in every log style ----
def styles(lines):
    t0 = 1798.829657
    out = {}
    out['plain'] = lines
    out['dmesg'] = ['[%12.6f] %s' % (t0 + i * 1e-6, l) for i, l in enumerate(lines)]
    out['dmesg-T'] = ['[Mon Jun  3 19:59:56 2024] %s' % l if not l.startswith(' ') or True else l for l in lines]
    out['dmesg-H'] = ['[Jun 3 19:59] %s' % lines[0]] + ['[  +0.%06d] %s' % (i, l) for i, l in enumerate(lines[1:])]
    out['journal'] = ['Jun 03 19:59:56 vm kernel: %s' % l for l in lines]
    out['journal-iso'] = ['2024-06-03T19:59:56+0200 vm kernel: %s' % l for l in lines]
    out['journal-mono'] = ['[ %10.6f] vm kernel: %s' % (t0, l) for l in lines]
    out['syslog'] = ['Jun  3 19:59:56 vm kernel: [%12.6f] %s' % (t0, l) for l in lines]
    out['android'] = ['%s(1)[87:kworker/u8:2]%s' % ('.' if i % 3 else '-', l) for i, l in enumerate(lines)]
    out['caller-id'] = ['[%12.6f][   T87] %s' % (t0, l) for l in lines]
    out['loglevel'] = ['<4>[%12.6f] %s' % (t0, l) for l in lines]
    out['quoted'] = ['> > [%12.6f] %s' % (t0, l) for l in lines]
    wrapped = []
    for l in ['[%12.6f] %s' % (t0, l) for l in lines]:
        w = textwrap.wrap(l, 72, break_long_words=False, break_on_hyphens=False,
                          drop_whitespace=True) or ['']
        wrapped += ['> ' + x for x in w]
    out['wrapped'] = ['On Mon, Jun 3, 2024 someone wrote:'] + wrapped + ['> ', '> Any idea?']
    return out

for k, v in styles(FRAG).items():
    write('style-%s.log' % k, v)

# several reports, noise, and a truncated last one
multi = ['[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)',
         '[    1.234567] e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex']
multi += ['[  100.%06d] %s' % (i, l) for i, l in enumerate(FRAG)]
multi += ['[  150.000001] docker0: port 3(veth1) entered forwarding state']
multi += ['[  200.%06d] %s' % (i, l) for i, l in enumerate(open('cause-low-memory.log').read().splitlines())]
trunc = FRAG[:30]
multi += ['[  300.%06d] %s' % (i, l) for i, l in enumerate(trunc)]
multi[-1] = multi[-1][:60]
write('multi.log', multi)

# 2.6.32 (RHEL 6): hex-only mode, "failure." format, Pid: line, syslog
# prefix, no managed:, no migratetype letters; GFP_KERNEL order 4 with
# nothing above order 3 in Normal
def old_zone(name, free, mn, low, high, present):
    return ('Node 0 %s free:%dkB min:%dkB low:%dkB high:%dkB active_anon:1024kB inactive_anon:2048kB '
            'active_file:4096kB inactive_file:8192kB unevictable:0kB isolated(anon):0kB isolated(file):0kB '
            'present:%dkB mlocked:0kB dirty:0kB writeback:0kB mapped:512kB shmem:0kB '
            'slab_reclaimable:1024kB slab_unreclaimable:2048kB kernel_stack:512kB pagetables:256kB '
            'unstable:0kB bounce:0kB writeback_tmp:0kB pages_scanned:0 all_unreclaimable? no') % (
            name, free, mn, low, high, present)
old = ['java: page allocation failure. order:4, mode:0xd0',
       'Pid: 31402, comm: java Not tainted 2.6.32-431.el6.x86_64 #1',
       'Call Trace:',
       ' [<ffffffff8112f9e7>] ? __alloc_pages_nodemask+0x757/0x8d0',
       ' [<ffffffff8116e642>] ? kmem_getpages+0x62/0x170',
       ' [<ffffffff8116f25f>] ? cache_grow+0x2cf/0x320',
       ' [<ffffffff8116f4b2>] ? cache_alloc_refill+0x202/0x240',
       ' [<ffffffff81170479>] ? __kmalloc+0x1b9/0x230',
       ' [<ffffffffa03b5a3d>] ? nfs_readdir_xdr_to_array+0x3d/0x2f0 [nfs]',
       ' [<ffffffffa03b5d6c>] ? nfs_readdir_filler+0x2c/0x80 [nfs]',
       'Mem-Info:',
       'Node 0 DMA per-cpu:',
       'CPU    0: hi:    0, btch:   1 usd:   0',
       'Node 0 Normal per-cpu:',
       'CPU    0: hi:  186, btch:  31 usd: 120',
       'active_anon:100000 inactive_anon:50000 isolated_anon:0',
       ' active_file:2000000 inactive_file:1500000 isolated_file:0',
       ' unevictable:0 dirty:100 writeback:0 unstable:0',
       ' free:42000 slab_reclaimable:60000 slab_unreclaimable:30000',
       ' mapped:10000 shmem:200 pagetables:3000 bounce:0']
b_dma, t_dma = buddy('Node 0 DMA', [0, 2, 1, 1, 1, 0, 0, 1, 1, 0, 3])
b_n, t_n = buddy('Node 0 Normal', [30000, 4000, 1000, 200] + [0]*7)
old += [old_zone('DMA', t_dma, 60, 72, 88, 15284), 'lowmem_reserve[]: 0 16000 16000 16000',
        old_zone('Normal', t_n, 45000, 56250, 67500, 16515072), 'lowmem_reserve[]: 0 0 0 0',
        b_dma, b_n, '4194303 pages RAM', '120000 pages reserved']
write('old-2.6.32-pid.log', ['Mar  1 14:52:30 db1 kernel: ' + l for l in old])
