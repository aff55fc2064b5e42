console.log('rig lab');
