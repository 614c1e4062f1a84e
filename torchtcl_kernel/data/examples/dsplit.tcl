# An RGB image stored height x width x channel, split into its three colour planes.
set image [torch::rand {2 2 3}]
set planes [torch::dsplit $image 3]
puts "[llength $planes] planes, each [torch::tensor_shape [lindex $planes 0]]"
puts "uneven split at channel 1: [llength [torch::dsplit -input $image -indices {1}]] parts"
