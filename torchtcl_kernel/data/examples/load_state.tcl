# Copy one layer's complete state into a twin built the same way.
set a [torch::linear 3 2]
set b [torch::linear 3 2]
torch::freeze_model $a
close [file tempfile path /tmp/layer.pt]
torch::save_state -module $a -filename $path
puts [torch::load_state $b $path]
puts "b's trainable values after loading: [torch::count_parameters $b]"
file delete $path
