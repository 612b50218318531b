#!/bin/sh
# Creates the login user "user" (password "user") and lets it use sudo.
set -e

echo "I: creating the user"
adduser --gecos User --disabled-password user

echo "I: setting its password"
echo "user:user" | chpasswd
adduser user sudo
