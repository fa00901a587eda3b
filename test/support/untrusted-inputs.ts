/**
 * Documents written to make a careless analyser read files, run programs or open connections:
 * directives and options naming files and sockets, shell that would run commands, XML entities and
 * DOCTYPE SYSTEM ids pointing at local files and network addresses. memslot must only read them.
 */
export const untrustedDocuments: Array<{ path: string; languageId: string; text: string }> = [
  {
    path: 'attack.sh',
    languageId: 'shellscript',
    text: [
      '#!/bin/sh',
      '# memslot: --vhost-user /etc/passwd=32 --vhost-user /run/*.sock=8 --qemu 9.2',
      '# memslot: --vhost-user "$(touch /tmp/memslot-pwned)=32"',
      '. /etc/profile',
      'source ./env.sh',
      'MAX=$(cat /etc/passwd | wc -l)',
      'eval "rm -rf /tmp/memslot-pwned"',
      'qemu-system-x86_64 -readconfig /etc/qemu/qemu.conf -m 1G,maxmem=$MAX \\',
      '  -object memory-backend-file,id=m0,size=1G,mem-path=/dev/hugepages,share=on -numa node,memdev=m0 \\',
      '  -chardev socket,id=c0,path=/run/vfsd.sock -device vhost-user-fs-pci,chardev=c0,tag=t \\',
      '  -netdev tap,id=n0,script=/etc/qemu-ifup,vhost=on -device virtio-net-pci,netdev=n0 \\',
      '  -chardev socket,id=c1,host=127.0.0.1,port=1 -device vhost-user-blk-pci,chardev=c1 \\',
      '  -drive file=/etc/shadow,if=none,id=d0 -device virtio-blk-pci,drive=d0 \\',
      '  `touch /tmp/memslot-pwned` $(id) ${HOME}/x',
    ].join('\n'),
  },
  {
    path: 'attack.qemu',
    languageId: 'qemu-args',
    text: 'qemu-system-x86_64\n-readconfig\n/etc/qemu.cfg\n-object\nmemory-backend-file,id=m,size=1G,mem-path=/etc/passwd\n-chardev\nsocket,id=c,path=/run/x.sock,server=on\n',
  },
  {
    path: 'attack.xml',
    languageId: 'xml',
    text: [
      '<?xml version="1.0"?>',
      '<!DOCTYPE domain SYSTEM "file:///etc/passwd" [',
      '  <!ENTITY xxe SYSTEM "file:///etc/passwd">',
      '  <!ENTITY net SYSTEM "http://127.0.0.1:1/memslot">',
      '  <!ENTITY % param SYSTEM "http://127.0.0.1:1/dtd"> %param;',
      ']>',
      '<!-- memslot: vhost-user /etc/shadow=32 qemu 9.2 -->',
      "<domain type='kvm'><name>&xxe;</name>",
      "<maxMemory slots='16' unit='KiB'>&net;</maxMemory><memory unit='KiB'>4194304</memory>",
      "<memoryBacking><source type='file'/><access mode='shared'/></memoryBacking>",
      "<devices><filesystem type='mount'><driver type='virtiofs'/><source socket='/run/vfsd.sock'/><target dir='x'/></filesystem>",
      "<interface type='vhostuser'><source type='unix' path='/etc/passwd' mode='client'/></interface></devices>",
      '</domain>',
    ].join('\n'),
  },
];
