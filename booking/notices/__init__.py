"""Notices that reach phones: each notification goes out through the channels a user chose
(in-app, email, SMS, WeChat subscription messages). docs/notices.md."""
